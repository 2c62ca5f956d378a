/**
 * Signatures the service has verified, so a document it is asked about again
 * (the controller re-reads the same files; a CLI decrypts the same file) is
 * not verified again: an ML-DSA-65 verification costs ~2.7 ms in
 * @noble/post-quantum and ~0.3 ms in Node 24's OpenSSL, ten times an unwrap,
 * while a hit costs one SHA-256 (~6 µs). Only successes are kept, under
 * SHA-256(the signed message ‖ the signature field): the message holds the
 * kid, the subject and everything signed, so a hit is the same signature
 * over the same document by the same key. Bounded: the least recently used
 * entry goes first.
 */
import { createHash } from 'node:crypto';

export const SIGNATURE_CACHE_ENTRIES = 65_536;

/** The cache key of a signature field over a signed message. */
export const signatureCacheKey = (message: Uint8Array, field: string): string => createHash('sha256').update(message).update(field).digest('base64');

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
