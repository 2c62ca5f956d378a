/**
 * Whether an optional dependency is usable here, so tests of the feature that
 * needs it skip in an install without it (`npm ci --omit=optional`, or a
 * machine where pkcs11js could not compile) instead of failing.
 */
import { createRequire } from 'node:module';
import type { OptionalPackage } from '../../runtime/optional-package.js';

const require = createRequire(import.meta.url);

export function hasOptional(name: OptionalPackage): boolean {
  try {
    // pkcs11js is loaded, not only found: its addon may be missing or built for another Node.
    if (name === 'pkcs11js') require(name);
    else require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
