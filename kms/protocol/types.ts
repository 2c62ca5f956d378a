/**
 * The contracts between the parts of `kms/` (DESIGN §4): roots of trust,
 * authentication, policy, audit and the wire protocol of the rewrap service.
 * Every module of `kms/` implements or consumes one of these shapes.
 */
import type { RecipientAlg } from '../../core/crypto/recipients/types.js';

/** What the policy grants (DESIGN §4 "subjects × scopes × operations"). */
export const OPERATIONS = ['rewrap', 'keys.rotate', 'keys.revoke', 'keys.destroy'] as const;
export type Operation = (typeof OPERATIONS)[number];

// ---------------------------------------------------------------------------
// Wire protocol (schemas/rewrap.openapi.yaml)

/** Per-item and per-request error codes on the wire; stable, documented in the OpenAPI file. */
export const WIRE_CODES = [
  'bad_request', // malformed JSON or fields
  'too_large', // body over the limit
  'too_many_items', // more than MAX_BATCH items
  'unauthenticated', // no, bad, expired, wrong-audience or replayed credentials
  'denied', // policy says no for this subject × scope × operation
  'unknown_kid', // the service has no key with this kid
  'key_revoked', // the kid was revoked or destroyed
  'tampered', // the envelope does not open for this scope and document
  'root_revoked', // kill switch: the root of trust refused, the org key is not in memory
  'rate_limited', // too many requests from this subject
  'timeout', // the client was too slow sending the request
  'not_found',
  'method_not_allowed',
  'unavailable', // the service is starting or shutting down
  'internal',
] as const;
export type WireCode = (typeof WIRE_CODES)[number];

export const MAX_BATCH = 1000;

/** One DEK envelope as it stands in the file, plus what it is bound to. All strings as in the file. */
export interface RewrapItem {
  kid: string;
  alg: RecipientAlg;
  enc: string;
  dek: string;
  /** Scope binding: 'ns/name', 'ns/*' or '*'. */
  scope: string;
  /** Document id, base64url as in the file. */
  docId: string;
}

export interface RewrapRequest {
  /** The caller's ephemeral X25519 public key, base64url. */
  clientKey: string;
  items: RewrapItem[];
}

export type RewrapResult = { ok: true; sealed: string } | { ok: false; error: WireCode; message: string };

export interface RewrapResponse {
  /** The service's ephemeral X25519 public key for this response, base64url. */
  serverKey: string;
  items: RewrapResult[];
}

/** The body of every non-2xx answer. `message` never holds a secret or a token. */
export interface WireError {
  error: WireCode;
  message: string;
  requestId: string;
}

// ---------------------------------------------------------------------------
// Roots of trust (DESIGN §2)

export type RootKind = 'passphrase' | 'pkcs11' | 'aws-kms' | 'gcp-kms';

/**
 * Seals the org private key at rest. `context` (e.g. 'gitseal/org-key/v1:org-…')
 * is bound as AAD / encryption context, so a sealed key cannot be swapped
 * for another kid.
 */
export interface RootOfTrust {
  readonly kind: RootKind;
  /** For logs and /readyz: names the key, never a secret or PIN. */
  readonly description: string;
  seal(plaintext: Uint8Array, context: string): Promise<Uint8Array>;
  /**
   * Throws GitsealError E_ROOT_REVOKED when the root refuses (key disabled,
   * scheduled for deletion, destroyed, access denied, token or key object
   * gone) and E_ROOT when it cannot be reached or is misconfigured. Never
   * puts the plaintext or the PIN in an error.
   */
  unseal(sealed: Uint8Array, context: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Authentication (DESIGN §4 "Who may ask")

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
  /** The raw body; signed requests sign its SHA-256. */
  body: Uint8Array;
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

// ---------------------------------------------------------------------------
// Policy (DESIGN §4)

export interface Decision {
  allowed: boolean;
  /** Which rule decided (1-based index and optional name), or null for the default deny. */
  rule: { index: number; name?: string } | null;
  /** One line a human reads: why it was allowed or denied. */
  reason: string;
}

export interface Policy {
  decide(subject: string, scope: string, operation: Operation): Decision;
}

// ---------------------------------------------------------------------------
// Audit (DESIGN §4 "Audit")

/** One decision. No secret, DEK, envelope or token: only who, what and why. */
export interface AuditEvent {
  subject: string;
  method: AuthMethod | 'none';
  operation: Operation | 'authenticate';
  decision: 'allow' | 'deny';
  /** A WireCode for denials, 'ok' for allows. */
  reason: string;
  scope?: string;
  kid?: string;
  docId?: string;
  requestId: string;
  remote?: string;
}
