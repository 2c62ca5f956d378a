/**
 * X25519 (RFC 7748) through node:crypto, which runs it in OpenSSL and is
 * much faster than pure JS on the wrap/unwrap hot path. Keys cross the
 * boundary as raw 32-byte strings; `x25519.test.ts` checks every function
 * against @noble/curves.
 */
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from 'node:crypto';
import { b64url, checkBytes, concat, fromB64url } from '../../bytes.js';

export const X25519_LENGTH = 32;

// DER header of PKCS#8 for the X25519 OID 1.3.101.110; the raw key follows.
const PKCS8_PREFIX = Uint8Array.from(Buffer.from('302e020100300506032b656e04220420', 'hex'));

/** Imports a raw 32-byte X25519 secret (any bytes; clamping happens at use). */
export function x25519PrivateKey(secret: Uint8Array): KeyObject {
  checkBytes(secret, X25519_LENGTH, 'x25519 secret');
  const der = concat(PKCS8_PREFIX, secret);
  try {
    return createPrivateKey({ key: Buffer.from(der.buffer, der.byteOffset, der.byteLength), format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

// OpenSSL 3 imports and exports a JWK about 10× faster than SPKI DER (~10 µs against ~100 µs), and DER
// encoding at key generation costs ~85 µs more: public keys cross the boundary as JWK on the hot paths.

/** Imports a raw 32-byte X25519 public key (any 32 bytes; a low-order point throws in `x25519Shared`). */
export function x25519PublicKey(pub: Uint8Array): KeyObject {
  checkBytes(pub, X25519_LENGTH, 'x25519 public key');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(pub) }, format: 'jwk' });
}

/** Raw 32 bytes of a public key object (or of the public half of a private one). */
export function x25519RawPublic(key: KeyObject): Uint8Array {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  return fromB64url(jwk.x ?? '', 'x25519 public key');
}

const importJwkIgnoringX = (secret: Buffer): KeyObject =>
  createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: secret.toString('base64url'), x: '' }, format: 'jwk' });

/**
 * Node 20 (OpenSSL 3.0) decodes PKCS#8 DER slowly (~365 µs a key) but takes a
 * private JWK in ~35 µs, deriving the public half from `d` and ignoring `x`.
 * Newer Nodes decode DER in ~50 µs and refuse a JWK whose `x` does not match.
 * Asked once: does this Node take the JWK without `x`?
 */
const jwkImportIgnoresX = ((): boolean => {
  try {
    importJwkIgnoringX(randomBytes(X25519_LENGTH));
    return true;
  } catch {
    return false;
  }
})();

/**
 * A fresh ephemeral key pair; the private half never leaves the KeyObject.
 *
 * Never made with generateKeyPairSync: on Node 20 a garbage collection during
 * the export of such a key runs KeyGenJob's destructor, which waits on the
 * mutex the export holds, and the process freezes for good
 * (`test/x25519-no-deadlock.test.ts`). Random bytes are imported instead, by
 * the cheaper way this Node offers. On the JWK way the secret passes through
 * one base64url string, which cannot be wiped: acceptable for a per-request
 * key, not for the org key, which goes through `x25519PrivateKey`.
 */
export function x25519Ephemeral(): { privateKey: KeyObject; publicKey: Uint8Array } {
  const secret = randomBytes(X25519_LENGTH);
  const privateKey = jwkImportIgnoresX ? importJwkIgnoringX(secret) : x25519PrivateKey(secret);
  secret.fill(0);
  return { privateKey, publicKey: x25519RawPublic(privateKey) };
}

/** The key pair of a given 32-byte secret (known-answer vectors); wipes `secret`. */
export function x25519KeyPair(secret: Uint8Array): { privateKey: KeyObject; publicKey: Uint8Array } {
  try {
    const privateKey = x25519PrivateKey(secret);
    return { privateKey, publicKey: x25519RawPublic(privateKey) };
  } finally {
    secret.fill(0);
  }
}

/**
 * The shared secret. Throws (an OpenSSL error) when `pub` is a low-order
 * point and the result would be all zeros; callers turn that into their own
 * error code.
 */
export function x25519Shared(privateKey: KeyObject, pub: Uint8Array | KeyObject): Uint8Array {
  const publicKey = pub instanceof Uint8Array ? x25519PublicKey(pub) : pub;
  const ss = diffieHellman({ privateKey, publicKey });
  return new Uint8Array(ss.buffer, ss.byteOffset, ss.byteLength);
}
