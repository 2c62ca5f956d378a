/**
 * Per-subject token buckets: each subject may spend `rate` tokens a second
 * with bursts up to `burst`; a rewrap costs one token per item. Idle
 * buckets are forgotten so a flood of subjects cannot grow the map.
 */
export interface RateLimitConfig {
  rate: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_SUBJECTS = 100_000;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  constructor(private readonly config: RateLimitConfig, private readonly now: () => number = () => performance.now()) {}

  /** Spends `cost` tokens of `subject`; returns 0 when allowed, else the seconds to wait before retrying. */
  take(subject: string, cost = 1): number {
    const t = this.now();
    const { rate, burst } = this.config;
    let b = this.#buckets.get(subject);
    if (!b) {
      if (this.#buckets.size >= MAX_SUBJECTS) this.#prune(t);
      b = { tokens: burst, at: t };
      this.#buckets.set(subject, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
      b.at = t;
    }
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    return Math.ceil((cost - b.tokens) / rate);
  }

  /** True when `subject` could not spend one token now; spends nothing. */
  exhausted(subject: string): boolean {
    const b = this.#buckets.get(subject);
    return b !== undefined && b.tokens + ((this.now() - b.at) / 1000) * this.config.rate < 1;
  }

  #prune(t: number): void {
    const full = (this.config.burst / this.config.rate) * 1000;
    for (const [k, b] of this.#buckets) if (t - b.at > full) this.#buckets.delete(k);
    if (this.#buckets.size >= MAX_SUBJECTS) this.#buckets.clear();
  }
}
