/** How much the rewrap service's HTTPS server accepts, and how long it waits. */
import type { RateLimitConfig } from './rate-limit.js';

export interface ServerLimits {
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  rate: RateLimitConfig;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 60_000,
  rate: { rate: 20_000, burst: 20_000 },
};
