/**
 * AES-256-GCM through node:crypto (AES-NI; 10–30× faster than pure JS).
 * `aead.test.ts` checks it against @noble/ciphers' gcm byte for byte.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { checkBytes } from '../bytes.js';

export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;

/** Returns nonce || ciphertext || tag. */
export function gcmSeal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, aad: Uint8Array): Uint8Array {
  checkBytes(key, 32, 'key');
  checkBytes(nonce, NONCE_LENGTH, 'nonce');
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const out = new Uint8Array(NONCE_LENGTH + plain.length + TAG_LENGTH);
  out.set(nonce, 0);
  const body = c.update(plain);
  out.set(body, NONCE_LENGTH);
  const fin = c.final();
  if (fin.length) out.set(fin, NONCE_LENGTH + body.length);
  out.set(c.getAuthTag(), NONCE_LENGTH + plain.length);
  return out;
}

/** Opens nonce || ciphertext || tag; returns null when authentication fails. */
export function gcmOpen(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | null {
  checkBytes(key, 32, 'key');
  if (sealed.length < NONCE_LENGTH + TAG_LENGTH) return null;
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_LENGTH));
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
  const body = d.update(sealed.subarray(NONCE_LENGTH, sealed.length - TAG_LENGTH));
  try {
    d.final();
  } catch {
    body.fill(0);
    return null;
  }
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}
