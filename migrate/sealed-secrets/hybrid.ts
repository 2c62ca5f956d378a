/**
 * The hybrid encryption of Bitnami sealed-secrets (pkg/crypto/crypto.go,
 * HybridEncrypt/HybridDecrypt): a value is
 *
 *   uint16 big-endian len(R) || R || AES-256-GCM(session key, 12 zero bytes, no AAD) ciphertext+tag
 *
 * where R = RSA-OAEP(SHA-256, MGF1-SHA-256, label)(32-byte session key). The
 * label binds the value to its scope: "namespace/name", "namespace" or "".
 */
import { createDecipheriv, privateDecrypt, constants, type KeyObject } from 'node:crypto';

export const SESSION_KEY_BYTES = 32;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;

export type HybridResult =
  | { readonly ok: true; readonly plaintext: Uint8Array }
  /** No key's RSA-OAEP opens the session key: wrong key, or a label (namespace/name) other than the one sealed for. */
  | { readonly ok: false; readonly reason: 'no-key' | 'too-short' | 'tampered' };

export function hybridDecrypt(blob: Uint8Array, keys: readonly KeyObject[], label: Uint8Array): HybridResult {
  if (blob.length < 2) return { ok: false, reason: 'too-short' };
  const rsaLen = (blob[0]! << 8) | blob[1]!;
  if (blob.length < 2 + rsaLen + GCM_TAG_BYTES) return { ok: false, reason: 'too-short' };
  const rsaCt = blob.subarray(2, 2 + rsaLen);
  const aesCt = blob.subarray(2 + rsaLen, blob.length - GCM_TAG_BYTES);
  const tag = blob.subarray(blob.length - GCM_TAG_BYTES);
  for (const key of keys) {
    let sessionKey: Buffer;
    try {
      sessionKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, rsaCt);
    } catch {
      continue;
    }
    // Go's aes.NewCipher would take 16 or 24 bytes too; HybridEncrypt always makes 32.
    if (sessionKey.length !== SESSION_KEY_BYTES) {
      sessionKey.fill(0);
      return { ok: false, reason: 'tampered' };
    }
    try {
      const d = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
      d.setAuthTag(tag);
      const out = Buffer.concat([d.update(aesCt), d.final()]);
      return { ok: true, plaintext: new Uint8Array(out.buffer, out.byteOffset, out.length) };
    } catch {
      return { ok: false, reason: 'tampered' };
    } finally {
      sessionKey.fill(0);
    }
  }
  return { ok: false, reason: 'no-key' };
}
