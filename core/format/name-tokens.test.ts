import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gcmsiv } from '@noble/ciphers/aes.js';
import { randomBytes } from 'node:crypto';
import { lengthPrefixed } from '../bytes.js';
import { NameCipher, NAME_NONCE } from './name-tokens.js';
import { isGitsealError } from '../errors.js';

describe('NameCipher', () => {
  it.each([16, 100_000])('agrees with noble gcmsiv on every size 0..300 (table for %i names)', (expected) => {
    const key = randomBytes(32);
    const docId = randomBytes(16);
    const aad = lengthPrefixed(['gitseal/name/v1', docId]);
    const names = new NameCipher(key, docId, expected);
    for (let n = 0; n <= 300; n++) {
      const plain = randomBytes(n);
      const ours = names.sealBytes(plain);
      expect(Buffer.from(ours)).toEqual(Buffer.from(gcmsiv(key, NAME_NONCE, aad).encrypt(plain)));
      expect(Buffer.from(names.openBytes(ours)!)).toEqual(plain);
    }
  });

  it('round-trips paths and is deterministic per document', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.nat())), (path) => {
        const key = new Uint8Array(32).fill(7);
        const a = new NameCipher(key, new Uint8Array(16));
        const b = new NameCipher(key, new Uint8Array(16));
        expect(a.seal(path)).toBe(b.seal(path));
        expect(a.open(a.seal(path))).toEqual(path);
      }),
    );
  });

  it('gives the same name under different parents or documents different tokens', () => {
    const key = randomBytes(32);
    const names = new NameCipher(key, new Uint8Array(16));
    expect(names.seal(['a', 'x'])).not.toBe(names.seal(['b', 'x']));
    expect(new NameCipher(key, new Uint8Array(16).fill(1)).seal(['a'])).not.toBe(names.seal(['a']));
  });

  it('refuses a flipped byte and tokens of another document', () => {
    const key = randomBytes(32);
    const names = new NameCipher(key, new Uint8Array(16));
    const token = names.seal(['stringData', 'password']);
    const raw = Buffer.from(token.slice(2), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 1;
      expect(() => names.open('t.' + bad.toString('base64url'))).toThrow();
    }
    const other = new NameCipher(key, new Uint8Array(16).fill(2));
    try {
      other.open(token);
      expect.unreachable();
    } catch (e) {
      expect(isGitsealError(e, 'E_TAMPERED')).toBe(true);
    }
  });
});
