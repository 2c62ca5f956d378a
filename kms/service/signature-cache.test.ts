import { describe, expect, it } from 'vitest';
import { SignatureCache, signatureCacheKey } from './signature-cache.js';

describe('SignatureCache', () => {
  it('keeps what verified, and forgets the least recently used first', () => {
    const cache = new SignatureCache(2);
    cache.add('a');
    cache.add('b');
    expect(cache.has('a')).toBe(true); // a is now the most recent
    cache.add('c');
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
    expect(() => new SignatureCache(0)).toThrow(RangeError);
  });

  it('keys on the signer and every field the signature covers', () => {
    const item = { scope: 'a/b', docId: 'AAAA', signed: { mode: 'secret' as const, file: 'BBBB', after: 'start', last: true, mac: 'CCCC' } };
    const signer = 'w-0123456789abcdef.YQ';
    const k = signatureCacheKey(item, signer);
    expect(signatureCacheKey({ ...item, signed: { ...item.signed, signature: 'w-0123456789abcdef.YQ.ZZZZ' } }, signer)).toBe(k);
    for (const other of [
      { ...item, scope: 'a/*' },
      { ...item, docId: 'AAAB' },
      { ...item, signed: { ...item.signed, mode: 'generic' as const } },
      { ...item, signed: { ...item.signed, file: 'BBBC' } },
      { ...item, signed: { ...item.signed, after: 'DDDD' } },
      { ...item, signed: { ...item.signed, last: false } },
      { ...item, signed: { ...item.signed, mac: 'CCCD' } },
    ])
      expect(signatureCacheKey(other, signer)).not.toBe(k);
    expect(signatureCacheKey(item, 'w-0123456789abcdef.Yg')).not.toBe(k);
  });
});
