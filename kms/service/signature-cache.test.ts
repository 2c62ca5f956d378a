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

  it('keys on the signed message, each byte of it', () => {
    const k = signatureCacheKey(new Uint8Array([1, 2, 3]));
    expect(signatureCacheKey(new Uint8Array([1, 2, 3]))).toBe(k);
    expect(signatureCacheKey(new Uint8Array([1, 2, 4]))).not.toBe(k);
  });
});
