/** How tests look at failures: by the GitsealError code, never by message text. */
import { GitsealError, isGitsealError } from '../../core/errors.js';

/** The error code `f` throws, 'success' when it returns, or a marker that fails any code comparison. */
export function codeOf(f: () => unknown): string {
  try {
    f();
    return 'success';
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
}

/** The GitsealError `f` throws; anything else fails the test. */
export function errorOf(f: () => unknown): GitsealError {
  try {
    f();
  } catch (e) {
    if (isGitsealError(e)) return e;
    throw e;
  }
  throw new Error('expected a GitsealError');
}
