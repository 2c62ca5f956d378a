import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from './work-queue.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Resolves with what `get()` returned, or 'pending' if it has not returned after the microtasks run. */
async function poll(queue: WorkQueue): Promise<string | null | 'pending'> {
  let result: string | null | 'pending' = 'pending';
  void queue.get().then((key) => (result = key));
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

describe('WorkQueue', () => {
  it('hands out keys in order and holds a waiting key once', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('ns/a');
    expect(await queue.get()).toBe('ns/b');
    expect(queue.length).toBe(0);
  });

  it('marks a key added while processing dirty and queues it again on done()', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    expect(await queue.get()).toBe('ns/a');
    queue.add('ns/a');
    queue.add('ns/a');
    expect(queue.length).toBe(0);
    const second = queue.get();
    let handedOut = false;
    void second.then(() => (handedOut = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(handedOut).toBe(false);
    queue.done('ns/a');
    expect(await second).toBe('ns/a');
    queue.done('ns/a');
    expect(queue.length).toBe(0);
    expect(await poll(queue)).toBe('pending');
  });

  it('does not re-queue a key that was not added again while processing', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    expect(await queue.get()).toBe('ns/a');
    queue.done('ns/a');
    expect(queue.length).toBe(0);
  });

  it('doubles the rate-limited delay per failure up to the cap, and forget resets it', async () => {
    vi.useFakeTimers();
    const queue = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 100 });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = Date.now();
      queue.addRateLimited('ns/a');
      let waited = 0;
      while (queue.length === 0) {
        vi.advanceTimersByTime(1);
        waited = Date.now() - t0;
      }
      delays.push(waited);
      expect(await queue.get()).toBe('ns/a');
      queue.done('ns/a');
    }
    expect(delays).toEqual([10, 20, 40, 80, 100, 100]);
    expect(queue.failures('ns/a')).toBe(6);
    queue.forget('ns/a');
    expect(queue.failures('ns/a')).toBe(0);
    queue.addRateLimited('ns/a');
    vi.advanceTimersByTime(9);
    expect(queue.length).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queue.length).toBe(1);
  });

  it('keeps failure counts per key and never overflows the cap', () => {
    vi.useFakeTimers();
    const queue = new WorkQueue({ baseDelayMs: 1, maxDelayMs: 50 });
    for (let i = 0; i < 2000; i++) queue.addRateLimited('ns/hot');
    queue.addRateLimited('ns/cold');
    expect(queue.failures('ns/hot')).toBe(2000);
    expect(queue.failures('ns/cold')).toBe(1);
    vi.advanceTimersByTime(1);
    expect(queue.length).toBe(2);
  });

  it('releases delayed keys in time order, keeping the earlier time for a key added twice', async () => {
    vi.useFakeTimers();
    const queue = new WorkQueue();
    queue.addAfter('ns/late', 30);
    queue.addAfter('ns/early', 10);
    queue.addAfter('ns/mid', 20);
    queue.addAfter('ns/late', 50);
    queue.addAfter('ns/mid', 5);
    queue.addAfter('ns/now', 0);
    expect(queue.length).toBe(1);
    vi.advanceTimersByTime(5);
    expect(queue.length).toBe(2);
    vi.advanceTimersByTime(25);
    expect(queue.length).toBe(4);
    const order = [await queue.get(), await queue.get(), await queue.get(), await queue.get()];
    expect(order).toEqual(['ns/now', 'ns/mid', 'ns/early', 'ns/late']);
    vi.advanceTimersByTime(100);
    expect(queue.length).toBe(0);
  });

  it('follows an injected clock for addAfter', () => {
    vi.useFakeTimers();
    let now = 1_000;
    const queue = new WorkQueue({ now: () => now });
    queue.addAfter('ns/a', 100);
    // The timer fires, but by the injected clock the key is not due yet.
    vi.advanceTimersByTime(100);
    expect(queue.length).toBe(0);
    now += 100;
    vi.advanceTimersByTime(100);
    expect(queue.length).toBe(1);
  });

  it('wakes every waiting get() with null on shutDown and ignores later adds', async () => {
    const queue = new WorkQueue();
    const waiting = [queue.get(), queue.get(), queue.get()];
    queue.shutDown();
    expect(await Promise.all(waiting)).toEqual([null, null, null]);
    queue.add('ns/a');
    queue.addAfter('ns/b', 1);
    expect(queue.length).toBe(0);
    expect(await queue.get()).toBeNull();
    expect(queue.shuttingDown).toBe(true);
  });

  it('shutDownWithDrain waits for keys in flight', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    const a = await queue.get();
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => (drained = true));
    expect(await queue.get()).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    queue.done(a ?? '');
    await drain;
    expect(drained).toBe(true);
    await queue.shutDownWithDrain();
  });

  it('lets many workers process every key exactly once per burst, never one key twice at once', async () => {
    const queue = new WorkQueue();
    const keys = Array.from({ length: 500 }, (_, i) => `ns/k${i % 200}`);
    const inFlight = new Set<string>();
    const processed = new Map<string, number>();
    let overlaps = 0;
    const worker = async (): Promise<void> => {
      for (let key = await queue.get(); key !== null; key = await queue.get()) {
        if (inFlight.has(key)) overlaps++;
        inFlight.add(key);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
        processed.set(key, (processed.get(key) ?? 0) + 1);
        inFlight.delete(key);
        queue.done(key);
      }
    };
    for (const key of keys) queue.add(key);
    // Each key of the burst was added 2–3 times but is waiting once.
    expect(queue.length).toBe(200);
    const workers = Array.from({ length: 16 }, worker);
    while (processed.size < 200 || inFlight.size > 0 || queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect([...processed.values()].every((n) => n === 1)).toBe(true);

    // A second burst to idle workers, then more adds while keys are in flight: an
    // in-flight key added again is processed once more, after its current run.
    processed.clear();
    for (const key of keys) queue.add(key);
    await new Promise((resolve) => setTimeout(resolve, 1));
    for (const key of keys.slice(0, 50)) queue.add(key);
    while (processed.size < 200 || inFlight.size > 0 || queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await queue.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect(processed.size).toBe(200);
    expect([...processed.values()].every((n) => n === 1 || n === 2)).toBe(true);
  });
});
