/** Who is calling: what the authenticators take from a request and give back. */

export type AuthMethod = 'serviceaccount' | 'oidc' | 'ed25519' | 'mtls';

/**
 * An authenticated caller. Subjects by method:
 * serviceaccount 'system:serviceaccount:NS:NAME'; oidc whatever the issuer's
 * `subject` template makes (e.g. 'ci:org/app:refs/heads/main'); ed25519
 * 'dev:NAME'; mtls 'cert:COMMON-NAME'.
 */
export interface Caller {
  subject: string;
  method: AuthMethod;
}

/** What an authenticator sees of an HTTP request. */
export interface AuthRequest {
  method: string;
  /** Path with query string, as on the request line. */
  path: string;
  /** Lower-case header names, as node gives them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The SHA-256 of the body, which signed requests sign. The body is read
   * (with its size cap) only when an authenticator asks, so bearer tokens
   * and client certificates are checked before it is read. May throw what
   * the body reader throws (too large, too slow).
   */
  bodySha256: () => Promise<Uint8Array>;
  /** Common name of a client certificate that TLS verified, when there is one. */
  peerCommonName?: string;
  /** Milliseconds since the epoch. */
  now: number;
}

/**
 * Returns null when the request carries no credential of this kind; throws
 * AuthFailure when it does and the credential is bad (the reason is for the
 * audit log and the caller, never the token itself).
 */
export interface Authenticator {
  readonly method: AuthMethod;
  authenticate(req: AuthRequest): Promise<Caller | null>;
  close?(): Promise<void>;
}

export class AuthFailure extends Error {
  override readonly name = 'AuthFailure';
  /** e.g. 'expired', 'audience', 'signature', 'replay', 'issuer', 'clock', 'malformed', 'unknown_key'. */
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}
