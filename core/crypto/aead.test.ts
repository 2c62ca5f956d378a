/** AES-256-GCM through node:crypto (aead.ts) against @noble/ciphers' pure-JS gcm, byte for byte. */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { gcmOpen, gcmSeal, NONCE_LENGTH, TAG_LENGTH } from './aead.js';

/** `n` random bytes at byte offset `offset` of a larger buffer: a view that is not aligned to anything. */
function misaligned(n: number, offset: number): Uint8Array {
  const backing = new Uint8Array(randomBytes(n + offset + 3));
  return backing.subarray(offset, offset + n);
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

describe('AES-256-GCM: node:crypto and noble agree', () => {
  it('on every size 0..2048, with misaligned inputs, without mutating them', () => {
    for (let n = 0; n <= 2048; n++) {
      const offset = n % 4;
      const key = misaligned(32, offset);
      const nonce = misaligned(NONCE_LENGTH, (offset + 1) % 4);
      const plain = misaligned(n, (offset + 2) % 4);
      const aad = misaligned(n % 67, (offset + 3) % 4);
      const before = [key, nonce, plain, aad].map(hex);

      const ours = gcmSeal(key, nonce, plain, aad);
      expect(ours.length).toBe(NONCE_LENGTH + n + TAG_LENGTH);
      expect(hex(ours.subarray(0, NONCE_LENGTH))).toBe(hex(nonce));
      expect(hex(ours.subarray(NONCE_LENGTH)), `size ${n}`).toBe(hex(gcm(key, nonce, aad).encrypt(plain)));
      expect(hex(gcmOpen(key, ours, aad)!)).toBe(hex(plain));
      expect([key, nonce, plain, aad].map(hex)).toEqual(before);
    }
  });

  it('opens what noble seals, also from a misaligned view', () => {
    for (const n of [0, 1, 15, 16, 17, 255, 1000]) {
      const key = randomBytes(32);
      const nonce = randomBytes(NONCE_LENGTH);
      const aad = randomBytes(9);
      const plain = randomBytes(n);
      const sealed = new Uint8Array([...nonce, ...gcm(key, nonce, aad).encrypt(plain)]);
      const view = new Uint8Array(sealed.length + 1).subarray(1);
      view.set(sealed);
      const copy = hex(view);
      expect(hex(gcmOpen(key, view, aad)!)).toBe(hex(plain));
      expect(hex(view)).toBe(copy);
    }
  });

  it('returns null for any flipped bit, a wrong AAD, or input shorter than nonce + tag', () => {
    const key = randomBytes(32);
    const aad = randomBytes(5);
    const sealed = gcmSeal(key, randomBytes(NONCE_LENGTH), randomBytes(20), aad);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const bad = sealed.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expect(gcmOpen(key, bad, aad)).toBeNull();
    }
    expect(gcmOpen(key, sealed, randomBytes(5))).toBeNull();
    expect(gcmOpen(key, sealed.subarray(0, NONCE_LENGTH + TAG_LENGTH - 1), aad)).toBeNull();
  });

  it('refuses keys and nonces of the wrong length with RangeError', () => {
    expect(() => gcmSeal(new Uint8Array(16), new Uint8Array(12), new Uint8Array(0), new Uint8Array(0))).toThrow(RangeError);
    expect(() => gcmSeal(new Uint8Array(32), new Uint8Array(16), new Uint8Array(0), new Uint8Array(0))).toThrow(RangeError);
    expect(() => gcmOpen(new Uint8Array(31), new Uint8Array(40), new Uint8Array(0))).toThrow(RangeError);
  });
});
