/**
 * The rewrap protocol's JSON: requests as the service reads them
 * (kms/service/rewrap-request.ts, contract RewrapFault) and answers as the
 * client reads them (kms/protocol/parse.ts, contract a plain Error).
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { b64url } from '../../../core/bytes.js';
import { parseRewrapResponse, parseSignResponse, parseWireError, parseWriterKeyOf } from '../../../kms/protocol/parse.js';
import { parseRewrapRequest, RewrapFault } from '../../../kms/service/rewrap-request.js';
import { signedItem, testWriter } from '../../helpers/signed-items.js';
import { fuzzInput } from '../mutate.js';
import { plainError, type FuzzTarget } from '../target.js';
import { vectorKeys } from './seeds.js';

/** The service refuses a body that is not JSON before it reaches the parser (request-body.ts). */
function json(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export async function rewrapRequestTarget(): Promise<FuzzTarget> {
  const recipient = vectorKeys()['hybrid']!.recipient;
  const writer = testWriter();
  const clientKey = b64url(randomBytes(32));
  const bodies = [
    { clientKey, items: [signedItem(recipient, 'payments/db').item] },
    { clientKey, items: [signedItem(recipient, 'payments/*', writer.signer('alice')).item, signedItem(recipient, '*').item] },
    { clientKey, items: [{ ...signedItem(recipient, 'a/b', writer.signer('dev:bob')).item, signed: { ...signedItem(recipient, 'a/b').item.signed, signature: `${writer.key.kid}.alice` } }] },
  ];
  const seeds = bodies.map((b) => JSON.stringify(b));
  return {
    name: 'rewrap-request',
    arbitrary: fuzzInput(seeds, { values: bodies, format: 'json' }),
    parse: (text) => {
      const body = json(text);
      if (body.ok) parseRewrapRequest(body.value);
    },
    typed: (e) => e instanceof RewrapFault,
  };
}

export async function rewrapResponseTarget(): Promise<FuzzTarget<[string, number]>> {
  const answers = [
    { serverKey: b64url(randomBytes(32)), items: [{ ok: true, sealed: b64url(randomBytes(80)) }, { ok: false, error: 'denied', message: 'no' }] },
    { items: [{ ok: true, signature: 'w-abc.alice.AAAA' }, { ok: false, error: 'signature_needed' }] },
    { writer: { kid: 'w-0011223344556677', key: 'gitseal-writer1:mldsa65-ed25519:AAAA' } },
    { error: 'rate_limited', message: 'slow down' },
  ];
  const seeds = answers.map((a) => JSON.stringify(a));
  return {
    name: 'rewrap-response',
    arbitrary: fc.tuple(fuzzInput(seeds, { values: answers, format: 'json' }), fc.nat(3)),
    parse: ([text, expected]) => {
      const body = json(text);
      if (!body.ok) return;
      for (const read of [() => parseRewrapResponse(body.value, expected), () => parseSignResponse(body.value, expected), () => parseWriterKeyOf(body.value)]) {
        try {
          read();
        } catch (e) {
          if (!plainError(e)) throw e;
        }
      }
      parseWireError(body.value);
    },
    typed: plainError,
  };
}
