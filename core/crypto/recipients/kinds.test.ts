/** One suite run against every registered key type, plus format checks against independent implementations. */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { gcm } from '@noble/ciphers/aes.js';
import { b64url, concat, fromB64url, lengthPrefixed, utf8 } from '../../bytes.js';
import { RECIPIENT_KINDS } from './index.js';
import type { RecipientStanza } from './types.js';
import { codeOf } from '../../../test/helpers/errors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ctx = { scopeBinding: 'payments/db', docId: new Uint8Array(randomBytes(16)) };


function flip(field: string, index: number, mask = 1): string {
  const b = fromB64url(field, 'field').slice();
  b[index < 0 ? b.length + index : index]! ^= mask;
  return b64url(b);
}

/** Expected public key hash and kid of `fromSecret(0, 1, 2, …)`: a guard against silent format drift. */
const KNOWN = {
  'mlkem1024-x25519': { kid: 'org-8f8607b4b1811309', pub: 'f50a9de8e80b413c5e847c1308564e837cd727119dfa1406a1f9a20b48cd6f80' },
  mlkem1024: { kid: 'org-9890e3f50689e800', pub: 'c7b8fa0aa471d5ae18922d6ccad5b31e1d84f92ae723abfd13747018740a8530' },
} as const;

for (const kind of Object.values(RECIPIENT_KINDS)) {
  describe(kind.alg, () => {
    const { identity, secret } = kind.generate();
    const dek = new Uint8Array(randomBytes(32));
    const stanza = identity.recipient.wrap(dek, ctx);

    it('round-trips a DEK and wraps with fresh randomness each time', () => {
      expect(stanza).toMatchObject({ kid: identity.kid, alg: kind.alg });
      expect(fromB64url(stanza.dek, 'dek').length).toBe(48);
      expect(identity.unwrap(stanza, ctx)).toEqual(dek);
      expect(identity.recipient.wrap(dek, ctx).enc).not.toBe(stanza.enc);
    });

    it('rebuilds the same identity from its secret without changing the secret', () => {
      const copy = secret.slice();
      const again = kind.fromSecret(secret);
      expect(secret).toEqual(copy);
      expect(again.kid).toBe(identity.kid);
      expect(again.unwrap(stanza, ctx)).toEqual(dek);
    });

    it('fails with E_TAMPERED under another scope or document', () => {
      expect(codeOf(() => identity.unwrap(stanza, { ...ctx, scopeBinding: 'payments/*' }))).toBe('E_TAMPERED');
      expect(codeOf(() => identity.unwrap(stanza, { ...ctx, docId: new Uint8Array(16) }))).toBe('E_TAMPERED');
    });

    it('fails with E_TAMPERED when any part of enc or dek is flipped', () => {
      for (const i of [0, 700, 1567, -1]) expect(codeOf(() => identity.unwrap({ ...stanza, enc: flip(stanza.enc, i) }, ctx))).toBe('E_TAMPERED');
      // X25519 ignores this bit of a public key; the HKDF info still binds the exact bytes.
      expect(codeOf(() => identity.unwrap({ ...stanza, enc: flip(stanza.enc, -1, 0x80) }, ctx))).toBe('E_TAMPERED');
      for (const i of [0, 31, 32, -1]) expect(codeOf(() => identity.unwrap({ ...stanza, dek: flip(stanza.dek, i) }, ctx))).toBe('E_TAMPERED');
    });

    it('returns null for another kid or alg', () => {
      expect(kind.generate().identity.unwrap(stanza, ctx)).toBeNull();
      expect(identity.unwrap({ ...stanza, kid: 'org-0000000000000000' }, ctx)).toBeNull();
      expect(identity.unwrap({ ...stanza, alg: 'awskms' }, ctx)).toBeNull();
    });

    it('rejects fields of the wrong length or encoding with E_FORMAT', () => {
      expect(codeOf(() => identity.unwrap({ ...stanza, enc: stanza.enc.slice(4) }, ctx))).toBe('E_FORMAT');
      expect(codeOf(() => identity.unwrap({ ...stanza, dek: stanza.dek.slice(4) }, ctx))).toBe('E_FORMAT');
      expect(codeOf(() => identity.unwrap({ ...stanza, dek: `${stanza.dek.slice(1)}=` }, ctx))).toBe('E_FORMAT');
    });

    it('refuses secrets and public keys of the wrong length', () => {
      expect(() => kind.fromSecret(new Uint8Array(kind.secretLength - 1))).toThrow(RangeError);
      expect(codeOf(() => kind.parsePublic(identity.recipient.publicKey.subarray(1)))).toBe('E_RECIPIENT');
    });

    it('keeps the kid and public key of a fixed secret (format-drift guard)', () => {
      const fixed = kind.fromSecret(Uint8Array.from({ length: kind.secretLength }, (_, i) => i));
      expect(fixed.kid).toBe(KNOWN[kind.alg].kid);
      expect(hex(sha256(fixed.recipient.publicKey))).toBe(KNOWN[kind.alg].pub);
      expect(fixed.kid).toBe(`org-${hex(sha256(concat(utf8(kind.alg), fixed.recipient.publicKey))).slice(0, 16)}`);
    });
  });
}

/** Unwraps with noble primitives only, following FORMAT.md §10 literally: the wire format is what the docs say. */
function nobleUnwrap(alg: 'mlkem1024-x25519' | 'mlkem1024', secret: Uint8Array, s: RecipientStanza): Uint8Array {
  const { secretKey, publicKey } = ml_kem1024.keygen(secret.subarray(0, 64));
  const enc = fromB64url(s.enc, 'enc');
  const ssKem = ml_kem1024.decapsulate(enc.subarray(0, 1568), secretKey);
  let ikm: Uint8Array = ssKem;
  let info = lengthPrefixed(['gitseal/wrap/mlkem1024/v1']);
  if (alg === 'mlkem1024-x25519') {
    const ephPub = enc.subarray(1568);
    const xSecret = secret.subarray(64);
    ikm = concat(ssKem, x25519.getSharedSecret(xSecret, ephPub));
    info = lengthPrefixed(['gitseal/wrap/mlkem1024-x25519/v1', ephPub, x25519.getPublicKey(xSecret)]);
  } else {
    expect(enc.length).toBe(publicKey.length);
  }
  const kek = hkdf(sha256, ikm, new Uint8Array(0), info, 32);
  return gcm(kek, new Uint8Array(12), lengthPrefixed([s.kid, ctx.scopeBinding, ctx.docId])).decrypt(fromB64url(s.dek, 'dek'));
}

describe('wire format', () => {
  for (const kind of Object.values(RECIPIENT_KINDS)) {
    it(`${kind.alg} stanzas open with an independent implementation`, () => {
      const { identity, secret } = kind.generate();
      const dek = new Uint8Array(randomBytes(32));
      expect(nobleUnwrap(kind.alg, secret, identity.recipient.wrap(dek, ctx))).toEqual(dek);
    });
  }
});
