/**
 * Signatures the service has verified, so a document it is asked about again
 * (the controller re-reads the same files; a CLI decrypts the same file) is
 * not verified again: an ML-DSA-65 verification costs ~2.7 ms in
 * @noble/post-quantum and ~0.3 ms in Node 24's OpenSSL, ten times an unwrap,
 * while a hit costs one SHA-256 of ~200 bytes (~1 µs).
 *
 * The key is what the signature is over, as the item carries it: the signer
 * (`w-KID.b64url(SUBJECT)`), mode, scope, document id, file binding and MAC,
 * in their wire strings. A verification proves that this key signed that
 * message; the bytes of a second signature over the same message add nothing,
 * so they are not part of the key, and a client may leave them out (`signer`,
 * writer-check.ts). Only canonical base64url ever verifies
 * (core/bytes.ts `fromB64url`), so the strings name the signed message one to
 * one, and the main thread need not decode anything to find it. Only
 * successes are kept. Bounded: the least recently used entry goes first.
 */
import { createHash } from 'node:crypto';
import type { RewrapItem, SignedItemFields } from '../protocol/types.js';

export const SIGNATURE_CACHE_ENTRIES = 65_536;

/** The cache key of what `signer` signed for this item. None of the strings can hold a newline (rewrap-request.ts). */
export const signatureCacheKey = (item: Pick<RewrapItem, 'scope' | 'docId'> & { signed: SignedItemFields }, signer: string): string => {
  const s = item.signed;
  return createHash('sha256')
    .update([signer, s.mode, item.scope, item.docId, s.file, s.after, s.last ? 'last' : 'more', s.mac].join('\n'))
    .digest('base64');
};

export class SignatureCache {
  readonly #entries = new Map<string, true>();

  constructor(private readonly max = SIGNATURE_CACHE_ENTRIES) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('the signature cache holds at least one entry');
  }

  get size(): number {
    return this.#entries.size;
  }

  /** True when this key verified before; refreshes the entry. */
  has(key: string): boolean {
    if (!this.#entries.delete(key)) return false;
    this.#entries.set(key, true);
    return true;
  }

  add(key: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, true);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
