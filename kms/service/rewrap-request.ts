/**
 * Validation of rewrap requests (schemas/rewrap.openapi.yaml) as the service
 * receives them. Messages name the field, never echo its value.
 */
import { isRecipientAlg } from '../../core/crypto/recipients/index.js';
import { MAX_BATCH, type RewrapItem, type RewrapRequest, type WireCode } from '../protocol/types.js';
import { isRecord } from '../../core/is-record.js';

/** A request the service refuses as a whole: the HTTP status and the wire code go together. */
export class RewrapFault extends Error {
  override readonly name = 'RewrapFault';
  constructor(readonly code: WireCode, readonly status: number, message: string, readonly retryAfter?: number) {
    super(message);
  }
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const KID = /^[\w.:-]{1,64}$/;
const SCOPE = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?\/(\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?))$/;
/** An envelope field is at most a few KB (ML-KEM-1024 ciphertext + X25519 key); anything longer is not one. */
const MAX_FIELD = 4096;

const badRequest = (message: string): never => {
  throw new RewrapFault('bad_request', 400, message);
};

function b64Field(o: Record<string, unknown>, field: string, where: string, max = MAX_FIELD): string {
  const v = o[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > max || !B64URL.test(v)) return badRequest(`${where}.${field} must be base64url (at most ${max} characters)`);
  return v;
}

function parseItem(v: unknown, i: number): RewrapItem {
  const where = `items[${i}]`;
  if (!isRecord(v)) return badRequest(`${where} must be an object`);
  const { kid, alg, scope } = v;
  if (typeof kid !== 'string' || !KID.test(kid)) return badRequest(`${where}.kid is not a key id`);
  if (!isRecipientAlg(alg)) return badRequest(`${where}.alg is not a known key type`);
  if (typeof scope !== 'string' || scope.length > 320 || !SCOPE.test(scope)) return badRequest(`${where}.scope must be 'namespace/name', 'namespace/*' or '*'`);
  return { kid, alg, scope, enc: b64Field(v, 'enc', where), dek: b64Field(v, 'dek', where), docId: b64Field(v, 'docId', where, 64) };
}

/** Parses a rewrap request body; throws RewrapFault bad_request / too_many_items. */
export function parseRewrapRequest(body: unknown): RewrapRequest {
  if (!isRecord(body)) return badRequest('the body must be a JSON object');
  const clientKey = b64Field(body, 'clientKey', 'body', 43);
  if (clientKey.length !== 43) badRequest('body.clientKey must be a 32-byte X25519 public key in base64url');
  const items = body['items'];
  if (!Array.isArray(items) || items.length === 0) return badRequest('items must be a non-empty list');
  if (items.length > MAX_BATCH) throw new RewrapFault('too_many_items', 413, `at most ${MAX_BATCH} items per request, got ${items.length}`);
  return { clientKey, items: items.map(parseItem) };
}

