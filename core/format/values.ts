/**
 * Value and layout ciphertexts (schemas/FORMAT.md §7): AES-256-GCM under the
 * values subkey, random nonce, padded plaintext, AAD binding format version,
 * scope, document id and the value's name token.
 */
import { defaultRandom, draw, fromB64url, fromUtf8, lengthPrefixed, wipe, type RandomSource } from '../bytes.js';
import { NONCE_LENGTH } from '../crypto/aead.js';
import { GcmBatch } from '../crypto/gcm-batch.js';
import { fail } from '../errors.js';
import { padText, unpad } from '../crypto/padding.js';

export const VALUE_PREFIX = 'v1.';
export const VALUE_PAD_FLOOR = 32;
/** The slot the layout takes in AADs and in the MAC, where a value has its token. */
export const LAYOUT_SLOT = 'layout';

export interface ValueBinding {
  readonly scopeBinding: string;
  readonly docId: Uint8Array;
}


/** Draws nonces in bulk: one getrandom call per document instead of one per value. */
export class NoncePool {
  private buf: Uint8Array = new Uint8Array(0);
  private at = 0;
  constructor(private readonly random: RandomSource = defaultRandom) {}
  next(): Uint8Array {
    if (this.at + NONCE_LENGTH > this.buf.length) {
      this.buf = draw(this.random, NONCE_LENGTH * 256, 'value nonces');
      this.at = 0;
    }
    const n = this.buf.subarray(this.at, this.at + NONCE_LENGTH);
    this.at += NONCE_LENGTH;
    return n;
  }
}

export interface ValueToSeal {
  readonly slot: string;
  readonly plain: string;
}

export interface ValueToOpen {
  readonly slot: string;
  readonly sealed: string;
}

const prefixOf = (b: ValueBinding) => lengthPrefixed(['gitseal/value/v1', b.scopeBinding, b.docId]);
/** lengthPrefixed([slot]) for the ASCII slots values have (tokens, "layout"), without a text encoder. */
function suffixOf(slot: string): Uint8Array {
  const b = Buffer.allocUnsafe(4 + slot.length);
  b.writeUInt32BE(slot.length, 0);
  if (Buffer.byteLength(slot, 'utf8') !== slot.length) return lengthPrefixed([slot]);
  b.write(slot, 4, 'latin1');
  return b;
}

/** Seals many values of one document in one batch; nonces are drawn in item order. */
export function sealValues(key: Uint8Array, b: ValueBinding, items: readonly ValueToSeal[], nonces: NoncePool): string[] {
  if (items.length === 0) return [];
  const padded = items.map((it) => padText(it.plain, VALUE_PAD_FLOOR));
  const batch = new GcmBatch(key, prefixOf(b), padded.reduce((n, p) => n + p.length + 64, 0));
  const sealed = batch.sealAllBase64url(items.map((it, i) => ({ nonce: nonces.next(), plain: padded[i]!, aadSuffix: suffixOf(it.slot) })));
  batch.destroy();
  wipe(...padded);
  return sealed.map((s) => VALUE_PREFIX + s);
}

export function sealValue(key: Uint8Array, b: ValueBinding, slot: string, plain: string, nonces: NoncePool): string {
  return sealValues(key, b, [{ slot, plain }], nonces)[0]!;
}

/** Opens many values; throws E_TAMPERED when one was changed or moved to another slot, document or scope. */
export function openValues(key: Uint8Array, b: ValueBinding, items: readonly ValueToOpen[]): string[] {
  if (items.length === 0) return [];
  const what = (slot: string) => (slot === LAYOUT_SLOT ? 'the layout' : 'a value');
  const bytes = items.map((it) => {
    if (!it.sealed.startsWith(VALUE_PREFIX)) fail('E_VERSION', `${what(it.slot)} is not in format v1: upgrade gitseal or check the file`);
    return fromB64url(it.sealed.slice(VALUE_PREFIX.length), what(it.slot));
  });
  const batch = new GcmBatch(key, prefixOf(b), bytes.reduce((n, p) => n + p.length + 64, 0));
  const opened = batch.openAll(items.map((it, i) => ({ sealed: bytes[i]!, aadSuffix: suffixOf(it.slot) })));
  batch.destroy();
  return opened.map((padded, i) => {
    if (padded === null)
      fail('E_TAMPERED', `${what(items[i]!.slot)} does not decrypt: the file was modified, or the value was moved from another key, document or scope`);
    const text = fromUtf8(unpad(padded));
    padded.fill(0);
    return text;
  });
}

export function openValue(key: Uint8Array, b: ValueBinding, slot: string, sealed: string): string {
  return openValues(key, b, [{ slot, sealed }])[0]!;
}
