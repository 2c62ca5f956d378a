/**
 * Value and layout ciphertexts (DESIGN §3 "Values"): AES-256-GCM under the
 * values subkey, random nonce, padded plaintext, AAD binding format
 * version, scope, document id and the value's name token.
 */
import { randomFillSync } from 'node:crypto';
import { b64url, fromB64url, fromUtf8, lengthPrefixed, utf8 } from './bytes.js';
import { gcmOpenOrFail, gcmSeal, NONCE_LENGTH } from './aead.js';
import { fail } from './errors.js';
import { pad, unpad } from './padding.js';

export const VALUE_PREFIX = 'v1.';
export const VALUE_PAD_FLOOR = 32;
/** The slot the layout takes in AADs and in the MAC, where a value has its token. */
export const LAYOUT_SLOT = 'layout';

export interface ValueBinding {
  readonly scopeBinding: string;
  readonly docId: Uint8Array;
}

const aad = (b: ValueBinding, slot: string) => lengthPrefixed(['gitseal/value/v1', b.scopeBinding, b.docId, slot]);

/** Draws nonces in bulk: one getrandom call per document instead of one per value. */
export class NoncePool {
  private buf = new Uint8Array(0);
  private at = 0;
  next(): Uint8Array {
    if (this.at + NONCE_LENGTH > this.buf.length) {
      this.buf = randomFillSync(new Uint8Array(NONCE_LENGTH * 256));
      this.at = 0;
    }
    const n = this.buf.subarray(this.at, this.at + NONCE_LENGTH);
    this.at += NONCE_LENGTH;
    return n;
  }
}

export function sealValue(key: Uint8Array, b: ValueBinding, slot: string, plain: string, nonces: NoncePool): string {
  const padded = pad(utf8(plain), VALUE_PAD_FLOOR);
  const out = VALUE_PREFIX + b64url(gcmSeal(key, nonces.next(), padded, aad(b, slot)));
  padded.fill(0);
  return out;
}

/** Throws E_TAMPERED when the value was changed or moved to another slot, document or scope. */
export function openValue(key: Uint8Array, b: ValueBinding, slot: string, sealed: string): string {
  if (!sealed.startsWith(VALUE_PREFIX)) fail('E_VERSION', 'a value is not in format v1: upgrade gitseal or check the file');
  const what = slot === LAYOUT_SLOT ? 'the layout' : 'a value';
  const padded = gcmOpenOrFail(key, fromB64url(sealed.slice(VALUE_PREFIX.length), what), aad(b, slot), what);
  const text = fromUtf8(unpad(padded));
  padded.fill(0);
  return text;
}
