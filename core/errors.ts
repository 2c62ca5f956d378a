/**
 * Every failure gitseal reports is a GitsealError with a stable code. The
 * message says what to do and never contains a secret value, DEK or token;
 * `cli/exit-codes.ts` maps each code to an exit status.
 */
export const ERROR_CODES = {
  E_USAGE: 'the command line is wrong',
  E_IO: 'a file could not be read or written',
  E_MISSING_FEATURE: 'an optional package this feature needs is not installed',
  E_YAML: 'the input is not valid YAML or JSON',
  E_DUPLICATE_KEY: 'a mapping has the same key twice',
  E_ALIAS_LIMIT: 'too many alias expansions (alias bomb)',
  E_NOT_MAPPING: 'the document root is not a mapping',
  E_UNSUPPORTED: 'the input uses a YAML feature gitseal cannot encrypt',
  E_ALREADY_ENCRYPTED: 'the input is already encrypted',
  E_NOT_ENCRYPTED: 'the input is not a gitseal-encrypted file',
  E_FORMAT: 'the encrypted file is malformed',
  E_VERSION: 'the encrypted file uses an unknown format version',
  E_NO_KEY: 'no key at hand opens this file',
  E_PASSPHRASE: 'the keystore passphrase is wrong',
  E_KEYSTORE: 'the keystore file is malformed',
  E_RECIPIENT: 'a recipient string is malformed',
  E_NO_RECIPIENTS: 'no recipients were given or configured',
  E_TAMPERED: 'the encrypted file was modified',
  E_SCOPE: 'the object does not match the scope it was encrypted for',
  E_UNSIGNED: 'a document is not signed and signatures are required',
  E_UNTRUSTED_WRITER: 'a document is signed by a writer you do not trust',
  E_WRITER_KEY: 'a writer key or the trust configuration is malformed or missing',
  E_SECRET_INVALID: 'the Secret is not valid for Kubernetes',
  E_TOO_LARGE: 'the input is larger than allowed',
  E_PATH: 'the path does not name a value in the document',
  E_CONFIG: 'the .gitseal.yaml configuration is invalid',
  E_EDITOR: 'the editor failed',
  E_EXEC: 'the command could not be run',
  E_ENV: 'exec-env refuses to set a variable',
  E_SEALED: 'the SealedSecret cannot be imported',
  E_SERVER: 'the rewrap service could not be reached or answered wrongly',
  E_AUTH: 'the rewrap service did not accept the credentials',
  E_DENIED: 'the rewrap service policy denies the request',
  E_RATE_LIMITED: 'the rewrap service asks to slow down',
  E_ROOT_REVOKED: 'the root of trust refuses to unseal the org key (kill switch)',
  E_KEY_REVOKED: 'the org key was revoked or destroyed',
  E_ROOT: 'the root of trust is misconfigured or unreachable',
  E_POLICY: 'the policy file is invalid',
  E_AUDIT: 'the audit log is broken or was edited',
  E_SOPS: 'the SOPS file cannot be imported',
  E_SOPS_MAC: 'the SOPS MAC does not match',
  E_INTERNAL: 'an internal error (this is a bug)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GitsealError extends Error {
  override readonly name = 'GitsealError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Shorthand used at every throw site so the code and message stay side by side. */
export function fail(code: ErrorCode, message: string): never {
  throw new GitsealError(code, message);
}

export function isGitsealError(e: unknown, code?: ErrorCode): e is GitsealError {
  return e instanceof GitsealError && (code === undefined || e.code === code);
}
