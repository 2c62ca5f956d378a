/** Padmé padding with a floor (padding.ts): lengths, round trip, and malformed padding. */
import { describe, expect, it } from 'vitest';
import { pad, paddedLength, padmeLength, unpad } from './padding.js';
import { codeOf } from '../../test/helpers/errors.js';

/** Nikitin et al. 2019, Algorithm 1, with 32-bit integer operations. */
function padmeReference(L: number): number {
  if (L < 2) return L;
  const E = 31 - Math.clz32(L);
  const S = 31 - Math.clz32(E) + 1;
  const mask = (1 << (E - S)) - 1;
  return (L + mask) & ~mask;
}


describe('padmeLength', () => {
  it('is Padmé for every length up to 2^20 and at powers of two beyond', () => {
    for (let n = 0; n <= 1 << 20; n++) if (padmeLength(n) !== padmeReference(n)) expect(padmeLength(n), `n = ${n}`).toBe(padmeReference(n));
    for (let k = 21; k < 31; k++) for (const n of [2 ** k - 1, 2 ** k, 2 ** k + 1]) expect(padmeLength(n)).toBe(padmeReference(n));
  });

  it('never shrinks and adds at most about 12% above 256 bytes', () => {
    for (let n = 256; n <= 100_000; n += 37) {
      expect(padmeLength(n)).toBeGreaterThanOrEqual(n);
      expect(padmeLength(n)).toBeLessThanOrEqual(Math.ceil(n * 1.125));
    }
  });
});

describe('pad / unpad', () => {
  it('round-trips every size 0..600 and respects the floor', () => {
    const wrong: string[] = [];
    for (const floor of [0, 16, 32]) {
      for (let n = 0; n <= 600; n++) {
        const plain = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff);
        const padded = pad(plain, floor);
        const ok =
          padded.length === paddedLength(n, floor) &&
          padded.length >= Math.max(floor, n + 1) &&
          padded[n] === 0x80 &&
          padded.subarray(n + 1).every((b) => b === 0) &&
          Buffer.from(unpad(padded)).equals(plain);
        if (!ok) wrong.push(`floor ${floor}, size ${n}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps trailing 0x80 and zero bytes of the plaintext', () => {
    for (const plain of [[0x80], [0], [0x80, 0], [1, 0x80, 0, 0]]) expect([...unpad(pad(Uint8Array.from(plain), 32))]).toEqual(plain);
  });

  it('refuses malformed padding with E_TAMPERED', () => {
    const bad = [[], [0], [0, 0, 0], [1, 2, 3], [0x80, 1], [0x81, 0], [0x7f], [0x40, 0, 0]];
    for (const b of bad) expect(codeOf(() => unpad(Uint8Array.from(b))), JSON.stringify(b)).toBe('E_TAMPERED');
  });
});
