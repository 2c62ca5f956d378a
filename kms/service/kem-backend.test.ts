import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { generateIdentity, identityFromSecret } from '../../core/crypto/recipients/index.js';
import type { RecipientAlg } from '../../core/crypto/recipients/types.js';
import { crossCheck, loadDecapsulator, type KemBackend } from './kem-backend.js';

const keyPair = () => ml_kem1024.keygen(new Uint8Array(randomBytes(64)));

describe('loadDecapsulator', () => {
  let liboqs: KemBackend;
  beforeAll(async () => {
    liboqs = await loadDecapsulator('liboqs');
  });
  afterAll(() => liboqs.close());

  it('loads the vendored liboqs build, byte for byte the one vendor/liboqs/README.md names', () => {
    const file = readFileSync(new URL('../../vendor/liboqs/ml-kem-1024.mjs', import.meta.url));
    const sha = createHash('sha256').update(file).digest('hex');
    expect(sha).toBe('ac3d3b8415783f69f7145922a54fd17b34b7dc8ffeeb0a970931970024cd40c9');
    expect(readFileSync(new URL('../../vendor/liboqs/README.md', import.meta.url), 'utf8')).toContain(`sha256 ${sha}`);
  });

  it('loads liboqs (WebAssembly) and it passes the cross-check', () => {
    expect(liboqs.fallbackReason).toBeUndefined();
    expect(liboqs.name).toBe('liboqs');
    expect(liboqs.identityOptions.decapsulate).toBe(liboqs.decapsulate);
  });

  it('agrees with noble on 50 encapsulations to noble keys (FIPS 203 3168-byte secret keys as they are)', () => {
    for (let k = 0; k < 5; k++) {
      const { publicKey, secretKey } = keyPair();
      for (let i = 0; i < 10; i++) {
        const { cipherText, sharedSecret } = ml_kem1024.encapsulate(publicKey);
        expect(liboqs.decapsulate(cipherText, secretKey)).toEqual(sharedSecret);
      }
    }
  });

  it('agrees with noble on implicit rejection of 50 corrupted ciphertexts', () => {
    const { publicKey, secretKey } = keyPair();
    for (let i = 0; i < 50; i++) {
      const { cipherText, sharedSecret } = ml_kem1024.encapsulate(publicKey);
      const bad = cipherText.slice();
      bad[randomBytes(2).readUInt16BE() % bad.length]! ^= 1 << i % 8;
      const rejected = ml_kem1024.decapsulate(bad, secretKey);
      expect(rejected).not.toEqual(sharedSecret);
      expect(liboqs.decapsulate(bad, secretKey)).toEqual(rejected);
    }
  });

  it('refuses a secret key whose embedded public key hash is wrong, and wrong lengths', () => {
    const { publicKey, secretKey } = keyPair();
    const { cipherText } = ml_kem1024.encapsulate(publicKey);
    const bad = secretKey.slice();
    bad[3168 - 64]! ^= 1; // first byte of H(ek)
    expect(() => liboqs.decapsulate(cipherText, bad)).toThrow(/refused the secret key/);
    expect(() => liboqs.decapsulate(cipherText.subarray(1), secretKey)).toThrow(RangeError);
    expect(() => liboqs.decapsulate(cipherText, secretKey.subarray(1))).toThrow(RangeError);
    // The same call still works afterwards: nothing is left over in the WebAssembly buffers.
    const ok = ml_kem1024.encapsulate(publicKey);
    expect(liboqs.decapsulate(ok.cipherText, secretKey)).toEqual(ok.sharedSecret);
  });

  it('noble when asked, without a fallback reason; its identities keep their own prepared decapsulation', async () => {
    const noble = await loadDecapsulator('noble');
    expect(noble.name).toBe('noble');
    expect(noble.fallbackReason).toBeUndefined();
    expect(noble.identityOptions).toEqual({});
    const { publicKey, secretKey } = keyPair();
    const { cipherText, sharedSecret } = ml_kem1024.encapsulate(publicKey);
    expect(noble.decapsulate(cipherText, secretKey)).toEqual(sharedSecret);
  });

  it('a closed liboqs backend throws instead of decapsulating', async () => {
    const b = await loadDecapsulator('auto');
    expect(b.name).toBe('liboqs');
    b.close();
    b.close();
    const { publicKey, secretKey } = keyPair();
    expect(() => b.decapsulate(ml_kem1024.encapsulate(publicKey).cipherText, secretKey)).toThrow(/closed/);
  });
});

describe('crossCheck', () => {
  it('passes noble itself', () => {
    expect(() => crossCheck((ct, sk) => ml_kem1024.decapsulate(ct, sk), 6)).not.toThrow();
  });

  it('catches a decapsulation that disagrees on valid ciphertexts', () => {
    expect(() => crossCheck(() => new Uint8Array(32))).toThrow(/decapsulates differently/);
  });

  it('catches one that agrees on valid ciphertexts but not on implicit rejection', () => {
    let calls = 0;
    const rejectsWrongly = (ct: Uint8Array, sk: Uint8Array): Uint8Array => (calls++ % 2 === 0 ? ml_kem1024.decapsulate(ct, sk) : new Uint8Array(32));
    expect(() => crossCheck(rejectsWrongly)).toThrow(/implicit rejection/);
  });
});

describe('identities with an injected decapsulation', () => {
  for (const alg of ['mlkem1024-x25519', 'mlkem1024'] as RecipientAlg[]) {
    it(`${alg}: unwraps what noble's identity unwraps, through liboqs, and refuses what it refuses`, async () => {
      const backend = await loadDecapsulator('liboqs');
      let calls = 0;
      const decapsulate = (ct: Uint8Array, sk: Uint8Array): Uint8Array => {
        calls++;
        return backend.decapsulate(ct, sk);
      };
      const { identity, secret } = generateIdentity(alg);
      const fast = identityFromSecret(alg, secret, { decapsulate });
      expect(fast.kid).toBe(identity.kid);
      for (let i = 0; i < 20; i++) {
        const dek = new Uint8Array(randomBytes(32));
        const ctx = { scopeBinding: 'ns/app', docId: new Uint8Array(randomBytes(16)) };
        const stanza = identity.recipient.wrap(dek, ctx);
        expect(fast.unwrap(stanza, ctx)).toEqual(dek);
        expect(identity.unwrap(stanza, ctx)).toEqual(dek);
        const moved = { ...ctx, scopeBinding: 'ns/other' };
        for (const id of [fast, identity]) {
          let code = 'none';
          try {
            id.unwrap(stanza, moved);
          } catch (e) {
            code = isGitsealError(e) ? e.code : String(e);
          }
          expect(code).toBe('E_TAMPERED');
        }
      }
      expect(calls).toBe(40);
      backend.close();
    });

    it(`${alg}: wipe() zeroes the secret key and unwrap throws afterwards`, () => {
      const { identity } = generateIdentity(alg);
      const ctx = { scopeBinding: '*', docId: new Uint8Array(16) };
      const stanza = identity.recipient.wrap(new Uint8Array(32), ctx);
      identity.wipe?.();
      expect(() => identity.unwrap(stanza, ctx)).toThrow(/wiped/);
    });
  }
});
