/**
 * Signed messages the service has verified, so a document it is asked about
 * again (the controller re-reads the same files; a CLI decrypts the same
 * file) is not verified again: an ML-DSA-65 verification costs ~2.7 ms in
 * @noble/post-quantum and ~0.3 ms in Node 24's OpenSSL, ten times an unwrap,
 * while a hit costs one SHA-256 of a ~200-byte message (~2 µs).
 *
 * The key is the SHA-256 of the signed message alone (core/format/signature.ts
 * `signedMessage`), which holds the kid, the subject and everything signed:
 * what a verification proves is that this key signed this message, and the
 * bytes of a second signature over the same message add nothing to that.
 * Hashing the 4,500-character signature field too would cost ~8× more on
 * the main thread. Only successes are kept. Bounded: the least recently used
 * entry goes first.
 */
import { createHash } from 'node:crypto';

export const SIGNATURE_CACHE_ENTRIES = 65_536;

/** The cache key of a signed message. */
export const signatureCacheKey = (message: Uint8Array): string => createHash('sha256').update(message).digest('base64');

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
