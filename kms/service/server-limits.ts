/** How much the rewrap service's HTTPS server accepts, and how long it waits. */
import { MAX_BATCH } from '../protocol/types.js';
import type { RateLimitConfig } from './rate-limit.js';

/** A mlkem1024-x25519 item with its writer signature inline is ~7 KB (bench rewrap-signatures), so this fits a full batch. */
const ITEM_BYTES = 8 * 1024;

export interface ServerLimits {
  maxBodyBytes: number;
  /** Open connections; Node drops the ones past it. */
  maxConnections: number;
  /** Bodies read and handled at once; later requests wait for a slot. */
  maxBodiesInFlight: number;
  /**
   * Bytes those bodies may declare together (a body without a Content-Length counts as maxBodyBytes).
   * Parsed, a body takes about its size again on the heap: this bounds the service's memory, with the
   * heap limit of examples/deploy/base/rewrap.yaml in mind.
   */
  bodyBytesInFlight: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  rate: RateLimitConfig;
  /** Failed authentications per address, checked before any audit write: low. */
  failedAuth: RateLimitConfig;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: MAX_BATCH * ITEM_BYTES,
  maxConnections: 1024,
  maxBodiesInFlight: 64,
  // Four full batches: two workers keep busy with two, the other two are read meanwhile.
  bodyBytesInFlight: 4 * MAX_BATCH * ITEM_BYTES,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 60_000,
  rate: { rate: 20_000, burst: 20_000 },
  failedAuth: { rate: 1, burst: 20 },
};
