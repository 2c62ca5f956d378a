/** The one table from error codes to exit statuses (documented in README.md, "Exit codes"). */
import type { ErrorCode } from '../core/errors.js';

export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  E_USAGE: 2,
  E_IO: 3,
  E_YAML: 10,
  E_DUPLICATE_KEY: 11,
  E_ALIAS_LIMIT: 12,
  E_NOT_MAPPING: 13,
  E_UNSUPPORTED: 14,
  E_ALREADY_ENCRYPTED: 15,
  E_NOT_ENCRYPTED: 16,
  E_FORMAT: 17,
  E_VERSION: 18,
  E_SECRET_INVALID: 19,
  E_TOO_LARGE: 20,
  E_PATH: 21,
  E_CONFIG: 22,
  E_RECIPIENT: 23,
  E_NO_RECIPIENTS: 24,
  E_KEYSTORE: 25,
  E_NO_KEY: 30,
  E_PASSPHRASE: 31,
  E_TAMPERED: 40,
  E_SCOPE: 41,
  E_EDITOR: 50,
  E_EXEC: 51,
  E_SERVER: 60,
  E_AUTH: 61,
  E_DENIED: 62,
  E_RATE_LIMITED: 63,
  E_ROOT_REVOKED: 64,
  E_KEY_REVOKED: 65,
  E_ROOT: 66,
  E_POLICY: 67,
  E_AUDIT: 68,
  E_INTERNAL: 70,
};

/** `verify` and `diff` use 1 for "checked, and the answer is no", like diff(1). */
export const EXIT_CHECK_FAILED = 1;
