/**
 * The wire protocol of the rewrap service (schemas/rewrap.openapi.yaml):
 * operations, wire codes, request and answer bodies, key states. The service
 * and its clients (kms/client, the controller) share these types; parsing a
 * request, which only the service does, is in kms/service/rewrap-request.ts
 * (docs/ARCHITECTURE.md#kms).
 */
import type { RecipientAlg } from '../../core/crypto/recipients/types.js';

/** What the policy grants: subjects × scopes × operations (docs/ARCHITECTURE.md#policy). */
export const OPERATIONS = ['rewrap', 'write', 'keys.rotate', 'keys.revoke', 'keys.destroy'] as const;
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
  'unsigned', // the scope requires signatures and the document has none
  'untrusted_writer', // the scope requires signatures and the document's writer key is not one the service knows
  'bad_signature', // the signature of a writer the service knows does not verify: the document or its signature was changed or moved
  'writer_denied', // the scope requires signatures and policy does not grant the document's writer `write` on it
  'signature_needed', // the item named its signature by `signer` and the service has not verified that one: send `signature`
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
  /** What the document's signature covers, as in the file; the service checks the writer when the scope's policy requires signatures. */
  signed?: SignedItemFields;
}

/** A document's file binding, MAC and signature, strings as in the file (schemas/FORMAT.md §2, §9, §13). */
export interface SignedItemFields {
  mode: 'secret' | 'generic';
  file: string;
  after: string;
  last: boolean;
  mac: string;
  /** `w-KID.SUBJECT.SIGNATURE`; absent for an unsigned document. */
  signature?: string;
  /**
   * Instead of `signature`: `w-KID.SUBJECT`, a signature named without its 4,500 characters,
   * which the service accepts when it verified that signature over the same document before,
   * and answers with signature_needed otherwise (the client then sends the signature).
   */
  signer?: string;
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

// ---------------------------------------------------------------------------
// POST /v1/sign

/** A document to sign: what its signature covers, strings as in the file (schemas/FORMAT.md §13). */
export interface SignItem {
  scope: string;
  docId: string;
  signed: Omit<SignedItemFields, 'signature'>;
}

export interface SignRequest {
  items: SignItem[];
}

/** `signature` is the envelope's `signature` field: `w-KID.b64url(SUBJECT).b64url(SIGNATURE)`. */
export type SignResult = { ok: true; signature: string } | { ok: false; error: WireCode; message: string };

export interface SignResponse {
  items: SignResult[];
}

// ---------------------------------------------------------------------------
// GET /v1/keys

export const KEY_STATES = ['active', 'retired', 'revoked', 'destroyed'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** The service's own writer key as GET /v1/keys publishes it, to trust with `signsFor` (it names the subject it signed for). */
export interface PublicWriterKey {
  kid: string;
  /** `gitseal-writer1:mldsa65-ed25519:…`, as `gitseal trust add` takes it. */
  key: string;
}

/** GET /v1/recipient: the active org key's public recipient, as the service states it (a client recomputes the kid). */
export interface RecipientAnswer {
  kid: string;
  alg: string;
  recipient: string;
}

/** An org key as GET /v1/keys lists it: public parts only. */
export interface PublicOrgKey {
  kid: string;
  alg: RecipientAlg;
  recipient: string;
  state: KeyState;
  created: string;
}
