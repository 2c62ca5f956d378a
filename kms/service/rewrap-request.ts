/**
 * Validation of rewrap requests (schemas/rewrap.openapi.yaml) as the service
 * receives them. Messages name the field, never echo its value.
 */
import { isRecipientAlg } from '../../core/crypto/recipients/index.js';
import { MAX_BATCH, type RewrapItem, type RewrapRequest, type SignedItemFields, type WireCode } from '../protocol/types.js';
import { signatureWriter, signerOf } from '../protocol/rewrap-item.js';
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
/** A signature field: 3,373 signature bytes (4,498 characters), the kid and a subject of at most 256 characters. */
const MAX_SIGNATURE = 8192;
/** base64url and the two dots of `w-KID.SUBJECT.SIGNATURE`. */
const SIGNATURE_CHARACTERS = /^[A-Za-z0-9_.-]+$/;
/** Ids and MACs are 16 or 32 bytes. */
const MAX_ID = 64;

export const badRequest = (message: string): never => {
  throw new RewrapFault('bad_request', 400, message);
};

export function b64Field(o: Record<string, unknown>, field: string, where: string, max = MAX_FIELD): string {
  const v = o[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > max || !B64URL.test(v)) return badRequest(`${where}.${field} must be base64url (at most ${max} characters)`);
  return v;
}

export function parseScope(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length > 320 || !SCOPE.test(v)) return badRequest(`${where}.scope must be 'namespace/name', 'namespace/*' or '*'`);
  return v;
}

/** What a document's signature covers (`signed`), checked for shape only; whether it verifies is the service's decision. `withSignature` false drops a well-formed `signature` or `signer`. */
export function parseSigned(v: unknown, where: string, withSignature: boolean): SignedItemFields {
  if (!isRecord(v)) return badRequest(`${where} must be an object`);
  const { mode, after, last, signature, signer } = v;
  if (mode !== 'secret' && mode !== 'generic') return badRequest(`${where}.mode must be secret or generic`);
  if (typeof last !== 'boolean') return badRequest(`${where}.last must be true or false`);
  const out: SignedItemFields = {
    mode,
    file: b64Field(v, 'file', where, MAX_ID),
    after: after === 'start' ? after : b64Field(v, 'after', where, MAX_ID),
    last,
    mac: b64Field(v, 'mac', where, MAX_ID),
  };
  if (signer !== undefined) {
    if (signature !== undefined) return badRequest(`${where} takes signature or signer, not both`);
    if (typeof signer !== 'string' || !signerOf(signer)) return badRequest(`${where}.signer must be w-KID.SUBJECT (kid w- and 16 hex digits, base64url subject of 1-256 printable characters)`);
    return withSignature ? { ...out, signer } : out;
  }
  if (signature === undefined) return out;
  if (typeof signature !== 'string' || signature.length > MAX_SIGNATURE || !SIGNATURE_CHARACTERS.test(signature) || !signatureWriter(signature))
    return badRequest(`${where}.signature must be w-KID.SUBJECT.SIGNATURE (kid w- and 16 hex digits, base64url subject of 1-256 printable characters, base64url signature)`);
  // A document to sign may carry the signature it had: it is replaced, not verified.
  return withSignature ? { ...out, signature } : out;
}

function parseItem(v: unknown, i: number): RewrapItem {
  const where = `items[${i}]`;
  if (!isRecord(v)) return badRequest(`${where} must be an object`);
  const { kid, alg } = v;
  if (typeof kid !== 'string' || !KID.test(kid)) return badRequest(`${where}.kid is not a key id`);
  if (!isRecipientAlg(alg)) return badRequest(`${where}.alg is not a known key type`);
  const item: RewrapItem = { kid, alg, scope: parseScope(v['scope'], where), enc: b64Field(v, 'enc', where), dek: b64Field(v, 'dek', where), docId: b64Field(v, 'docId', where, MAX_ID) };
  if (v['signed'] !== undefined) item.signed = parseSigned(v['signed'], `${where}.signed`, true);
  return item;
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

