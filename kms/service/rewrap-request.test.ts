import { describe, expect, it } from 'vitest';
import { parseRewrapRequest, RewrapFault } from './rewrap-request.js';

const clientKey = 'A'.repeat(43);
const item = { kid: 'org-3f2a9c1d7e5b4a60', alg: 'mlkem1024-x25519', enc: 'AAAA', dek: 'BBBB', scope: 'prod/db', docId: 'q83vEjRWeJA' };
const signed = { mode: 'secret', file: 'q83vEjRWeJCrze8SNFZ4kA', after: 'start', last: true, mac: 'AAAA', signature: 'w-0123456789abcdef.ZGV2OmFsaWNl.AAAA' };

const fault = (body: unknown): string => {
  try {
    parseRewrapRequest(body);
  } catch (e) {
    if (e instanceof RewrapFault) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'accepted';
};

describe('rewrap items with what their signature covers', () => {
  it('keeps signed, with or without a signature, and ignores its unknown fields', () => {
    expect(parseRewrapRequest({ clientKey, items: [{ ...item, signed: { ...signed, extra: 1 } }] }).items[0]).toEqual({ ...item, signed });
    const { signature: _, ...unsigned } = signed;
    expect(parseRewrapRequest({ clientKey, items: [{ ...item, signed: { ...unsigned, after: 'q83vEjRWeJCrze8SNFZ4kA', last: false } }] }).items[0]!.signed).toEqual({
      ...unsigned,
      after: 'q83vEjRWeJCrze8SNFZ4kA',
      last: false,
    });
    expect(parseRewrapRequest({ clientKey, items: [item] }).items[0]).toEqual(item);
  });

  it('takes a signature named by its signer instead, not both', () => {
    const { signature: _, ...unsigned } = signed;
    const named = { ...unsigned, signer: 'w-0123456789abcdef.ZGV2OmFsaWNl' };
    expect(parseRewrapRequest({ clientKey, items: [{ ...item, signed: named }] }).items[0]!.signed).toEqual(named);
    expect(fault({ clientKey, items: [{ ...item, signed: { ...signed, signer: named.signer } }] })).toMatch(/^bad_request: .*signature or signer, not both/);
    for (const signer of ['w-0123456789abcdef', 'w-0123456789abcdef.ZGV2OmFsaWNl.AAAA', 'org-1.ZGV2OmFsaWNl', 'w-0123456789abcdef.', 7])
      expect(fault({ clientKey, items: [{ ...item, signed: { ...unsigned, signer } }] })).toMatch(/^bad_request: .*signed\.signer/);
  });

  it.each([
    ['signed not an object', 'x', /items\[0\]\.signed must be an object/],
    ['an unknown mode', { ...signed, mode: 'other' }, /signed\.mode/],
    ['last not a boolean', { ...signed, last: 'true' }, /signed\.last/],
    ['a file id that is not base64url', { ...signed, file: 'a+b' }, /signed\.file/],
    ['an after that is neither start nor an id', { ...signed, after: 'begin!' }, /signed\.after/],
    ['a long mac', { ...signed, mac: 'A'.repeat(65) }, /signed\.mac/],
    ['a signature without its subject', { ...signed, signature: 'w-0123456789abcdef.AAAA' }, /signed\.signature/],
    ['a signature whose kid is not a writer kid', { ...signed, signature: 'org-1.ZGV2OmFsaWNl.AAAA' }, /signed\.signature/],
    ['a subject with a control character', { ...signed, signature: `w-0123456789abcdef.${Buffer.from('dev:\u001b[31m').toString('base64url')}.AAAA` }, /signed\.signature/],
    ['a signature over 8192 characters', { ...signed, signature: `w-0123456789abcdef.ZGV2OmFsaWNl.${'A'.repeat(8192)}` }, /signed\.signature/],
  ])('refuses %s as bad_request', (_, value, message) => {
    const answer = fault({ clientKey, items: [{ ...item, signed: value }] });
    expect(answer).toMatch(/^bad_request: /);
    expect(answer).toMatch(message);
  });
});
