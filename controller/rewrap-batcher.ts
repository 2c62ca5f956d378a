/**
 * Many reconciles at once (an initial sync, a burst of changes) ask for
 * DEKs one by one; this gathers them for a moment into batches of up to
 * 1,000 items per rewrap request.
 */
import { isGitsealError } from '../core/errors.js';
import type { UnwrapResult } from '../kms/client.js';
import { MAX_BATCH, type RewrapItem } from '../kms/types.js';

export interface Unwrapper {
  unwrapSettled(items: readonly RewrapItem[]): Promise<UnwrapResult[]>;
}

interface Waiting {
  item: RewrapItem;
  resolve(r: UnwrapResult): void;
}

export class RewrapBatcher {
  #pending: Waiting[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Unwrapper,
    private readonly lingerMs = 2,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** The DEK for `item`, or why not; never rejects. */
  unwrap(item: RewrapItem): Promise<UnwrapResult> {
    return new Promise((resolve) => {
      this.#pending.push({ item, resolve });
      if (this.#pending.length >= this.maxBatch) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.lingerMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending.splice(0, this.maxBatch);
    if (this.#pending.length) this.#timer = setTimeout(() => this.#flush(), 0);
    if (!batch.length) return;
    this.client.unwrapSettled(batch.map((w) => w.item)).then(
      (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
      (e: unknown) => {
        const code = isGitsealError(e) ? e.code : 'E_SERVER';
        const message = isGitsealError(e) ? e.message : 'the rewrap request failed';
        for (const w of batch) w.resolve({ ok: false, code, wire: 'unavailable', message });
      },
    );
  }
}
