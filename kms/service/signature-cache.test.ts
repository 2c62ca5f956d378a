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

  it('keys on the message and the signature field, each byte of them', () => {
    const m = new Uint8Array([1, 2, 3]);
    const k = signatureCacheKey(m, 'w-0123456789abcdef.YQ.AAAA');
    expect(signatureCacheKey(new Uint8Array([1, 2, 3]), 'w-0123456789abcdef.YQ.AAAA')).toBe(k);
    expect(signatureCacheKey(new Uint8Array([1, 2, 4]), 'w-0123456789abcdef.YQ.AAAA')).not.toBe(k);
    expect(signatureCacheKey(m, 'w-0123456789abcdef.YQ.AAAB')).not.toBe(k);
  });
});
