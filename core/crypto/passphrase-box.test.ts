import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../bytes.js';
import {
  CHECK_LENGTH, DEFAULT_SCRYPT, derivePassphraseKey, derivePassphraseKeySync, newSalt, openBox, passphraseCheckMatches, SALT_LENGTH,
  scryptProblem, sealBox, wipePassphraseKey,
} from './passphrase-box.js';

const LIGHT = { N: 1024, r: 8, p: 1 };
const passphrase = utf8('correct horse');
const salt = new Uint8Array(SALT_LENGTH).fill(7);
const aad = utf8('gitseal/test:org-1');
const plaintext = new Uint8Array(64).map((_, i) => i);

describe('passphrase box', () => {
  it('derives the scrypt key (what both old implementations used) and the check from the next 16 bytes', async () => {
    const k = derivePassphraseKeySync(passphrase, salt, LIGHT);
    const reference = scryptSync(passphrase, salt, 32 + CHECK_LENGTH, LIGHT);
    expect(Buffer.from(k.key)).toEqual(scryptSync(passphrase, salt, 32, LIGHT));
    expect(Buffer.from(k.check)).toEqual(reference.subarray(32));
    const async = await derivePassphraseKey(passphrase, salt, LIGHT);
    expect(async.key).toEqual(k.key);
    expect(async.check).toEqual(k.check);
  });

  it('tells the right passphrase by its check', () => {
    const right = derivePassphraseKeySync(passphrase, salt, LIGHT);
    const wrong = derivePassphraseKeySync(utf8('wrong horse'), salt, LIGHT);
    expect(passphraseCheckMatches(right, derivePassphraseKeySync(passphrase, salt, LIGHT).check)).toBe(true);
    expect(passphraseCheckMatches(wrong, right.check)).toBe(false);
  });

  it('opens a box only with its key and its context, unchanged', () => {
    const k = derivePassphraseKeySync(passphrase, salt, LIGHT);
    const box = sealBox(k, plaintext, aad);
    expect(openBox(k, box, aad)).toEqual(plaintext);
    expect(openBox(k, box, utf8('gitseal/test:org-2'))).toBeNull();
    expect(openBox(derivePassphraseKeySync(passphrase, newSalt(), LIGHT), box, aad)).toBeNull();
    const changed = box.slice();
    changed[changed.length - 1]! ^= 1;
    expect(openBox(k, changed, aad)).toBeNull();
    expect(sealBox(k, plaintext, aad)).not.toEqual(box);
  });

  it('wipes a key', () => {
    const k = derivePassphraseKeySync(passphrase, salt, LIGHT);
    wipePassphraseKey(k);
    expect(k.key.every((b) => b === 0) && k.check.every((b) => b === 0)).toBe(true);
  });

  it('accepts the default and cheap parameters within the bound', () => {
    for (const params of [DEFAULT_SCRYPT, LIGHT, { N: 2, r: 1, p: 1 }, { N: 2 ** 20, r: 8, p: 16 }, { N: 2 ** 14, r: 32, p: 1 }]) {
      expect(scryptProblem(params), JSON.stringify(params)).toBeNull();
    }
  });

  it.each([
    ['N not a power of two', { N: 1000, r: 8, p: 1 }],
    ['N of 1', { N: 1, r: 8, p: 1 }],
    ['N not an integer', { N: 1024.5, r: 8, p: 1 }],
    ['r of 0', { N: 1024, r: 0, p: 1 }],
    ['p of 0', { N: 1024, r: 8, p: 0 }],
    ['p over 16', { N: 1024, r: 8, p: 17 }],
    ['more than 1 GiB of memory', { N: 2 ** 21, r: 8, p: 1 }],
    ['more than 1 GiB through r', { N: 2 ** 20, r: 16, p: 1 }],
    ['a huge N', { N: 2 ** 40, r: 8, p: 1 }],
  ])('refuses %s, and derives nothing with it', async (_, params) => {
    expect(scryptProblem(params)).not.toBeNull();
    expect(() => derivePassphraseKeySync(passphrase, salt, params)).toThrow(RangeError);
    await expect(derivePassphraseKey(passphrase, salt, params)).rejects.toThrow(RangeError);
  });

  it('refuses an empty passphrase and a salt of the wrong length', () => {
    expect(() => derivePassphraseKeySync(new Uint8Array(0), salt, LIGHT)).toThrow(RangeError);
    expect(() => derivePassphraseKeySync(passphrase, salt.subarray(1), LIGHT)).toThrow(RangeError);
  });
});
