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
// GET /v1/keys

export const KEY_STATES = ['active', 'retired', 'revoked', 'destroyed'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** An org key as GET /v1/keys lists it: public parts only. */
export interface PublicOrgKey {
  kid: string;
  alg: RecipientAlg;
  recipient: string;
  state: KeyState;
  created: string;
}
