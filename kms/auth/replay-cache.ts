/**
 * Remembers (key id, nonce) pairs of signed requests until their
 * timestamps leave the skew window, so a captured request cannot be sent
 * again. Bounded: when full of live entries it refuses new ones (fails
 * closed) rather than forgetting one that could then be replayed.
 */

export type Remembered = 'fresh' | 'replay' | 'full';

export class ReplayCache {
  /** Insertion order, with expiries kept non-decreasing so that pruning from the front is exact. */
  readonly #entries = new Map<string, number>();
  #last = -Infinity;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records `key` until at least `expiresAt` (ms) and answers 'fresh';
   * 'replay' when it is already recorded and not expired; 'full' when
   * `capacity` live entries leave no room. Amortised O(1): each entry is
   * pruned once.
   */
  remember(key: string, expiresAt: number, now: number): Remembered {
    this.#prune(now);
    const seen = this.#entries.get(key);
    if (seen !== undefined && seen > now) return 'replay';
    if (seen !== undefined) this.#entries.delete(key);
    if (this.#entries.size >= this.capacity) return 'full';
    // Keeping an entry a little longer than asked is safe; it keeps the Map sorted by expiry.
    this.#last = Math.max(this.#last, expiresAt);
    this.#entries.set(key, this.#last);
    return 'fresh';
  }

  /** Drops the expired entries, which are all at the front. */
  #prune(now: number): void {
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt > now) break;
      this.#entries.delete(key);
    }
  }
}
