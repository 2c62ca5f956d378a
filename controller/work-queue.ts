/**
 * A rate-limited work queue of object keys ("namespace/name"), after
 * client-go's workqueue: informer handlers `add`, workers loop on
 * `get` … `done`, and a failed key comes back with `addRateLimited`.
 *
 * Guarantees: a key is waiting at most once; a key is handed to at most one
 * worker at a time (an `add` while it is processed marks it dirty, and
 * `done` queues it again); keys come out in the order they became ready.
 */
export interface WorkQueueOptions {
  /** First retry delay of `addRateLimited`; doubles on every failure. Default 5 ms. */
  baseDelayMs?: number;
  /** Cap of the retry delay. Default 60 s. */
  maxDelayMs?: number;
  /** Clock for `addAfter`, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

export class WorkQueue {
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #now: () => number;

  readonly #queue: string[] = [];
  /** Keys that need processing: waiting in #queue, or re-added while processing. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  /** Delayed keys and when they become ready; each key once, at its earliest time. */
  readonly #delayed = new Map<string, number>();
  /** Min-heap over #delayed; entries whose time no longer matches #delayed are stale and skipped. */
  readonly #delayHeap = new MinHeap();
  #delayTimer: NodeJS.Timeout | undefined;
  #delayTimerAt = Infinity;

  readonly #waiters: Array<(key: string | null) => void> = [];
  readonly #drainWaiters: Array<() => void> = [];
  #shuttingDown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.#baseDelayMs = nonNegative(opts.baseDelayMs ?? 5, 'baseDelayMs');
    this.#maxDelayMs = nonNegative(opts.maxDelayMs ?? 60_000, 'maxDelayMs');
    this.#now = opts.now ?? Date.now;
  }

  /** Queues `key` unless it is already waiting; ignored after shutdown. */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#dispatch();
  }

  /** Queues `key` after `ms`; a key already delayed keeps the earlier of the two times. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const at = this.#now() + ms;
    const pending = this.#delayed.get(key);
    if (pending !== undefined && pending <= at) return;
    this.#delayed.set(key, at);
    this.#delayHeap.push(key, at);
    if (at < this.#delayTimerAt) this.#armDelayTimer(at);
  }

  /** Queues `key` after base·2^failures (capped at maxDelayMs) and counts one more failure. */
  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // 2^62 already exceeds any sane cap; the clamp keeps base·2^n finite.
    const delay = Math.min(this.#baseDelayMs * 2 ** Math.min(failures, 62), this.#maxDelayMs);
    this.addAfter(key, delay);
  }

  /** Clears the failure count of `key` (call it when the key was processed successfully). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /**
   * Waits for the next key and marks it as being processed; the caller must
   * call `done(key)` afterwards. Returns null once the queue is shut down.
   */
  get(): Promise<string | null> {
    if (this.#shuttingDown) return Promise.resolve(null);
    const key = this.#take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends the processing of `key`; if it was added meanwhile, queues it again. */
  done(key: string): void {
    if (!this.#processing.delete(key)) return;
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      this.#queue.push(key);
      this.#dispatch();
    }
    if (this.#processing.size === 0) this.#drainWaiters.splice(0).forEach((wake) => wake());
  }

  /** Keys waiting to be handed out (not counting delayed ones): the `workqueue_depth` gauge. */
  get length(): number {
    return this.#queue.length;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Stops handing out keys: every waiting and later `get()` returns null; adds are ignored. */
  shutDown(): void {
    this.#shuttingDown = true;
    clearTimeout(this.#delayTimer);
    this.#delayTimer = undefined;
    this.#delayTimerAt = Infinity;
    this.#delayed.clear();
    this.#delayHeap.clear();
    this.#waiters.splice(0).forEach((resolve) => resolve(null));
  }

  /** Shuts down, then resolves once every key handed out has been `done()`. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #take(): string | undefined {
    const key = this.#queue.shift();
    if (key === undefined) return undefined;
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #dispatch(): void {
    while (this.#waiters.length > 0 && this.#queue.length > 0) {
      const key = this.#take();
      const resolve = this.#waiters.shift();
      if (key !== undefined && resolve !== undefined) resolve(key);
    }
  }

  #armDelayTimer(at: number): void {
    clearTimeout(this.#delayTimer);
    this.#delayTimer = undefined;
    this.#delayTimerAt = at;
    if (at === Infinity) return;
    // setTimeout overflows past 2^31-1 ms and would fire at once; #releaseDue re-arms.
    const ms = Math.min(Math.max(0, at - this.#now()), 2 ** 31 - 1);
    this.#delayTimer = setTimeout(() => this.#releaseDue(), ms);
  }

  #releaseDue(): void {
    const now = this.#now();
    for (let top = this.#delayHeap.peek(); top !== undefined; top = this.#delayHeap.peek()) {
      if (this.#delayed.get(top.key) !== top.at) {
        this.#delayHeap.pop();
        continue;
      }
      if (top.at > now) break;
      this.#delayHeap.pop();
      this.#delayed.delete(top.key);
      this.add(top.key);
    }
    this.#armDelayTimer(this.#delayHeap.peek()?.at ?? Infinity);
  }
}

interface Delayed {
  key: string;
  at: number;
  seq: number;
}

/** Binary min-heap by time, then insertion order, so equal times keep FIFO order. */
class MinHeap {
  #items: Delayed[] = [];
  #seq = 0;

  push(key: string, at: number): void {
    const items = this.#items;
    items.push({ key, at, seq: this.#seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  peek(): Delayed | undefined {
    return this.#items[0];
  }

  pop(): void {
    const items = this.#items;
    const last = items.pop();
    if (last === undefined || items.length === 0) return;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < items.length && before(items[l]!, items[min]!)) min = l;
      if (r < items.length && before(items[r]!, items[min]!)) min = r;
      if (min === i) return;
      [items[i], items[min]] = [items[min]!, items[i]!];
      i = min;
    }
  }

  clear(): void {
    this.#items = [];
  }
}

function before(a: Delayed, b: Delayed): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  return value;
}
