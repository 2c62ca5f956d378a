/**
 * Packages that only one feature needs are optionalDependencies: `npm ci`
 * goes on without them when they cannot install (pkcs11js builds a native
 * addon and needs python3, make and a C++ compiler) and
 * `npm ci --omit=optional` leaves them out (the cloud SDKs are large).
 * Features import them through `loadOptional`, so a missing one is
 * E_MISSING_FEATURE with the command that adds it, not a stack trace. The
 * single executable (build-binary.mjs) holds the AWS SDK but neither
 * pkcs11js nor the Google Cloud SDK: it points to the image or npm instead.
 */
import { fail } from '../core/errors.js';
import { isSingleExecutable } from './single-executable.js';

const OPTIONAL = {
  pkcs11js: { feature: 'The PKCS#11 (HSM) root of trust', needs: ' (it compiles a native addon: python3, make and a C++ compiler)' },
  '@aws-sdk/client-kms': { feature: 'AWS KMS (root of trust, SOPS import)', needs: '' },
  '@google-cloud/kms': { feature: 'Google Cloud KMS (root of trust, SOPS import)', needs: '' },
} as const;

export type OptionalPackage = keyof typeof OPTIONAL;

/** Whether `e` says that `name` (or its native addon) cannot be loaded, as opposed to a failure inside it. */
function isMissing(e: unknown, name: OptionalPackage): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return text.includes(`'${name}'`) || (name === 'pkcs11js' && text.includes('.node'));
  // An addon built for another Node version, or for another machine.
  return name === 'pkcs11js' && code === 'ERR_DLOPEN_FAILED';
}

/**
 * Runs `load` (a dynamic import of `name`, or of a module of ours that
 * imports it). Throws E_MISSING_FEATURE when `name` is not installed or its
 * addon does not load; any other error passes through.
 */
export async function loadOptional<T>(name: OptionalPackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (!isMissing(e, name)) throw e;
    const { feature, needs } = OPTIONAL[name];
    // The single executable loads nothing from disk (build-binary.mjs leaves these packages out of it).
    if (isSingleExecutable())
      return fail('E_MISSING_FEATURE', `${feature} needs the package ${name}, which the single-executable gitseal does not contain: use the gitseal container image, or gitseal from npm: "npm install -g gitseal" installs ${name} with it${needs}`);
    return fail('E_MISSING_FEATURE', `${feature} needs the optional package ${name}, which is not installed or does not load on this Node: run "npm install ${name}" where gitseal is installed${needs}`);
  }
}
