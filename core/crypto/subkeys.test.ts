/** HKDF-SHA-256 subkeys (subkeys.ts, node:crypto) against @noble/hashes' hkdf. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../bytes.js';
import { deriveSubkeys } from './subkeys.js';

describe('deriveSubkeys', () => {
  it('is HKDF-SHA-256(ikm = DEK, salt = docId, info = "gitseal/v1/<purpose>", 32 bytes), as noble computes it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 64 }), (dek, docId) => {
        const copy = [dek.slice(), docId.slice()];
        const k = deriveSubkeys(dek, docId);
        for (const purpose of ['values', 'names', 'mac'] as const)
          expect(Buffer.from(k[purpose])).toEqual(Buffer.from(hkdf(sha256, dek, docId, utf8(`gitseal/v1/${purpose}`), 32)));
        expect([dek, docId]).toEqual(copy);
      }),
      { numRuns: 200 },
    );
  });

  it('gives three different keys, and refuses a DEK that is not 32 bytes', () => {
    const k = deriveSubkeys(new Uint8Array(32), new Uint8Array(16));
    expect(new Set([k.values, k.names, k.mac].map((b) => Buffer.from(b).toString('hex'))).size).toBe(3);
    expect(() => deriveSubkeys(new Uint8Array(31), new Uint8Array(16))).toThrow(RangeError);
  });
});
