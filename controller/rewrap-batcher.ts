/**
 * Many reconciles at once (an initial sync, a burst of changes) ask for
 * DEKs one by one; this sends them in batches of up to 1,000 items per
 * rewrap request. A lone change goes out at once (no waiting to gather
 * company); items that come while `maxInFlight` requests are under way
 * wait for one of them to finish and then go together.
 */
import { isGitsealError } from '../core/errors.js';
import type { UnwrapResult } from '../kms/client/client.js';
import { MAX_BATCH, type RewrapItem } from '../kms/protocol/types.js';

export interface Unwrapper {
  unwrapSettled(items: readonly RewrapItem[]): Promise<UnwrapResult[]>;
}

interface Waiting {
  item: RewrapItem;
  resolve(r: UnwrapResult): void;
}

export class RewrapBatcher {
  #pending: Waiting[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    private readonly client: Unwrapper,
    private readonly maxInFlight = 4,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** The DEK for `item`, or why not; never rejects. */
  unwrap(item: RewrapItem): Promise<UnwrapResult> {
    return new Promise((resolve) => {
      this.#pending.push({ item, resolve });
      this.#schedule();
    });
  }

  /** Items asked for in the same turn of the event loop go in one request. */
  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.maxInFlight || this.#pending.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#inFlight < this.maxInFlight && this.#pending.length) this.#send(this.#pending.splice(0, this.maxBatch));
    });
  }

  #send(batch: Waiting[]): void {
    this.#inFlight++;
    this.client
      .unwrapSettled(batch.map((w) => w.item))
      .then(
        (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
        (e: unknown) => {
          const code = isGitsealError(e) ? e.code : 'E_SERVER';
          const message = isGitsealError(e) ? e.message : 'the rewrap request failed';
          for (const w of batch) w.resolve({ ok: false, code, wire: 'unavailable', message });
        },
      )
      .finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
  }
}
