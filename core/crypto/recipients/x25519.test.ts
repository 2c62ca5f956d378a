import { describe, expect, it } from 'vitest';
import { hkdfSync, randomBytes } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { x25519Ephemeral, x25519PrivateKey, x25519PublicKey, x25519RawPublic, x25519Shared } from './x25519.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('x25519 through node:crypto', () => {
  it('agrees with @noble/curves on public keys and shared secrets for random inputs', () => {
    for (let i = 0; i < 64; i++) {
      const a = new Uint8Array(randomBytes(32));
      const b = new Uint8Array(randomBytes(32));
      const pubA = x25519RawPublic(x25519PrivateKey(a));
      expect(hex(pubA)).toBe(hex(x25519.getPublicKey(a)));
      const pubB = x25519.getPublicKey(b);
      expect(hex(x25519Shared(x25519PrivateKey(a), pubB))).toBe(hex(x25519.getSharedSecret(a, pubB)));
      expect(hex(x25519Shared(x25519PrivateKey(b), pubA))).toBe(hex(x25519.getSharedSecret(b, pubA)));
    }
  });

  it('gives an ephemeral key whose shared secret noble reproduces', () => {
    const b = new Uint8Array(randomBytes(32));
    const eph = x25519Ephemeral();
    const ours = x25519Shared(eph.privateKey, x25519PublicKey(x25519.getPublicKey(b)));
    expect(hex(ours)).toBe(hex(x25519.getSharedSecret(b, eph.publicKey)));
  });

  it('throws on low-order points instead of returning an all-zero secret', () => {
    const eph = x25519Ephemeral();
    expect(() => x25519Shared(eph.privateKey, new Uint8Array(32))).toThrow();
    expect(() => x25519Shared(eph.privateKey, Uint8Array.of(1, ...new Uint8Array(31)))).toThrow();
  });

  it('checks key lengths', () => {
    expect(() => x25519PrivateKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => x25519PublicKey(new Uint8Array(33))).toThrow(RangeError);
  });
});

describe('HKDF-SHA-256 through node:crypto', () => {
  it('agrees with @noble/hashes hkdf on random inputs', () => {
    for (let i = 0; i < 64; i++) {
      const ikm = randomBytes(1 + (i % 80));
      const info = randomBytes(i * 7);
      const ours = new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), info, 32));
      expect(hex(ours)).toBe(hex(hkdf(sha256, ikm, new Uint8Array(0), info, 32)));
    }
  });
});
