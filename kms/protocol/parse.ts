/**
 * Validation of the rewrap service's answers (schemas/rewrap.openapi.yaml), for
 * its clients. Messages name the field, never echo its value.
 */
import { WIRE_CODES, type PublicWriterKey, type RecipientAnswer, type RewrapResponse, type RewrapResult, type SignResult, type WireCode } from './types.js';
import { isRecord } from '../../core/is-record.js';

const isWireCode = (v: unknown): v is WireCode => typeof v === 'string' && (WIRE_CODES as readonly string[]).includes(v);

/** Parses the service's answer; throws Error naming what is wrong. */
export function parseRewrapResponse(body: unknown, expectedItems: number): RewrapResponse {
  if (!isRecord(body) || typeof body['serverKey'] !== 'string' || !Array.isArray(body['items'])) throw new Error('the rewrap answer is not a rewrap response');
  const items = body['items'] as unknown[];
  if (items.length !== expectedItems) throw new Error(`the rewrap answer has ${items.length} items for ${expectedItems} asked`);
  return {
    serverKey: body['serverKey'],
    items: items.map((r, i): RewrapResult => {
      if (isRecord(r) && r['ok'] === true && typeof r['sealed'] === 'string') return { ok: true, sealed: r['sealed'] };
      if (isRecord(r) && r['ok'] === false && isWireCode(r['error'])) return { ok: false, error: r['error'], message: typeof r['message'] === 'string' ? r['message'] : r['error'] };
      throw new Error(`item ${i} of the rewrap answer is malformed`);
    }),
  };
}

/** Parses the answer of POST /v1/sign; throws Error naming what is wrong. */
export function parseSignResponse(body: unknown, expectedItems: number): SignResult[] {
  if (!isRecord(body) || !Array.isArray(body['items'])) throw new Error('the sign answer is not a sign response');
  const items = body['items'] as unknown[];
  if (items.length !== expectedItems) throw new Error(`the sign answer has ${items.length} items for ${expectedItems} asked`);
  return items.map((r, i): SignResult => {
    if (isRecord(r) && r['ok'] === true && typeof r['signature'] === 'string') return { ok: true, signature: r['signature'] };
    if (isRecord(r) && r['ok'] === false && isWireCode(r['error'])) return { ok: false, error: r['error'], message: typeof r['message'] === 'string' ? r['message'] : r['error'] };
    throw new Error(`item ${i} of the sign answer is malformed`);
  });
}

/** The service's writer key from a GET /v1/keys answer; null when it publishes none. Throws Error when the field is malformed. */
export function parseWriterKeyOf(body: unknown): PublicWriterKey | null {
  const w = isRecord(body) ? body['writer'] : undefined;
  if (w === undefined) return null;
  if (!isRecord(w) || typeof w['kid'] !== 'string' || typeof w['key'] !== 'string') throw new Error('the writer of the keys answer is malformed');
  return { kid: w['kid'], key: w['key'] };
}

/** The answer of GET /v1/recipient; throws Error when it is not one. The recipient itself is checked by whoever uses it. */
export function parseRecipientAnswer(body: unknown): RecipientAnswer {
  if (!isRecord(body) || typeof body['kid'] !== 'string' || typeof body['alg'] !== 'string' || typeof body['recipient'] !== 'string')
    throw new Error('the recipient answer is malformed');
  return { kid: body['kid'], alg: body['alg'], recipient: body['recipient'] };
}

/** Parses a non-2xx body; unknown shapes become 'internal'. */
export function parseWireError(body: unknown): { error: WireCode; message: string } {
  if (isRecord(body) && isWireCode(body['error'])) return { error: body['error'], message: typeof body['message'] === 'string' ? body['message'] : body['error'] };
  return { error: 'internal', message: 'the rewrap service answered with an unexpected body' };
}
