/**
 * Validation of POST /v1/sign requests (schemas/rewrap.openapi.yaml
 * `SignRequest`): per document, its scope binding, id and what the signature
 * covers. Messages name the field, never echo its value.
 */
import { isRecord } from '../../core/is-record.js';
import { MAX_BATCH, type SignItem, type SignRequest } from '../protocol/types.js';
import { b64Field, badRequest, parseScope, parseSigned, RewrapFault } from './rewrap-request.js';

function parseItem(v: unknown, i: number): SignItem {
  const where = `items[${i}]`;
  if (!isRecord(v)) return badRequest(`${where} must be an object`);
  return { scope: parseScope(v['scope'], where), docId: b64Field(v, 'docId', where, 64), signed: parseSigned(v['signed'], `${where}.signed`, false) };
}

/** Parses a sign request body; throws RewrapFault bad_request / too_many_items. */
export function parseSignRequest(body: unknown): SignRequest {
  if (!isRecord(body)) return badRequest('the body must be a JSON object');
  const items = body['items'];
  if (!Array.isArray(items) || items.length === 0) return badRequest('items must be a non-empty list');
  if (items.length > MAX_BATCH) throw new RewrapFault('too_many_items', 413, `at most ${MAX_BATCH} items per request, got ${items.length}`);
  return { items: items.map(parseItem) };
}
