import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { concat } from '../bytes.js';
import { gcmSeal } from './aead.js';
import { GcmBatch } from './gcm-batch.js';

describe('GcmBatch', () => {
  it('matches node:crypto and noble AES-256-GCM for every size 0..300 and prefix length 0..40', () => {
    for (let prefixLen = 0; prefixLen <= 40; prefixLen += 7) {
      const key = randomBytes(32);
      const prefix = randomBytes(prefixLen);
      // Alternate between noble's small table and the 8-bit-window table used for big batches.
      const batch = new GcmBatch(key, prefix, prefixLen % 2 ? 1 << 20 : 1024);
      const items = Array.from({ length: 301 }, (_, n) => ({ nonce: randomBytes(12), plain: randomBytes(n), aadSuffix: randomBytes(n % 50) }));
      const sealed = batch.sealAll(items);
      items.forEach((it, i) => {
        const aad = concat(prefix, it.aadSuffix);
        expect(Buffer.from(sealed[i]!)).toEqual(Buffer.from(gcmSeal(key, it.nonce, it.plain, aad)));
        if (i % 30 === 0) expect(Buffer.from(sealed[i]!.subarray(12))).toEqual(Buffer.from(gcm(key, it.nonce, aad).encrypt(it.plain)));
      });
      const opened = batch.openAll(items.map((it, i) => ({ sealed: sealed[i]!, aadSuffix: it.aadSuffix })));
      opened.forEach((p, i) => expect(Buffer.from(p!)).toEqual(Buffer.from(items[i]!.plain)));
    }
  });

  it('sends large messages through node:crypto whole, with the same result', () => {
    const key = randomBytes(32);
    const prefix = randomBytes(30);
    const batch = new GcmBatch(key, prefix);
    const items = [4096, 4097, 100_000].map((n) => ({ nonce: randomBytes(12), plain: randomBytes(n), aadSuffix: randomBytes(9) }));
    const sealed = batch.sealAll(items);
    items.forEach((it, i) => expect(Buffer.from(sealed[i]!)).toEqual(Buffer.from(gcmSeal(key, it.nonce, it.plain, concat(prefix, it.aadSuffix)))));
    const opened = batch.openAll(items.map((it, i) => ({ sealed: sealed[i]!, aadSuffix: it.aadSuffix })));
    opened.forEach((p, i) => expect(Buffer.from(p!)).toEqual(Buffer.from(items[i]!.plain)));
    const bad = Uint8Array.from(sealed[2]!);
    bad[50]! ^= 1;
    expect(batch.openAll([{ sealed: bad, aadSuffix: items[2]!.aadSuffix }])).toEqual([null]);
  });

  it('refuses any flipped bit, a wrong AAD and short input, without mutating inputs', () => {
    const key = randomBytes(32);
    const batch = new GcmBatch(key, randomBytes(21));
    const [sealed] = batch.sealAll([{ nonce: randomBytes(12), plain: randomBytes(40), aadSuffix: Uint8Array.of(1, 2, 3) }]);
    const copy = Uint8Array.from(sealed!);
    const flips = Array.from({ length: sealed!.length * 8 }, (_, bit) => {
      const bad = Uint8Array.from(sealed!);
      bad[bit >> 3]! ^= 1 << (bit & 7);
      return { sealed: bad, aadSuffix: Uint8Array.of(1, 2, 3) };
    });
    expect(batch.openAll(flips).every((p) => p === null)).toBe(true);
    expect(batch.openAll([{ sealed: sealed!, aadSuffix: Uint8Array.of(1, 2, 4) }])).toEqual([null]);
    expect(batch.openAll([{ sealed: sealed!.subarray(0, 27), aadSuffix: new Uint8Array(0) }])).toEqual([null]);
    expect(sealed).toEqual(copy);
  });
});
