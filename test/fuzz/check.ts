/**
 * Runs a target with fast-check: each case must return or throw a typed
 * error, within a time budget. A synchronous hang cannot be timed from the
 * same thread; run.ts runs each target in a worker and watches its
 * heartbeat for that.
 */
import fc from 'fast-check';
import type { FuzzTarget } from './target.js';

/** A case slower than this is a failure: no parser needs a second for a few KB. */
export const CASE_BUDGET_MS = 1000;

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message.slice(0, 300)}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
  return `a thrown ${typeof e}: ${String(e).slice(0, 200)}`;
}

/** Feeds one input; throws an Error that says what went wrong when the parser breaks its contract. */
export async function runCase<T>(t: FuzzTarget<T>, input: T, budgetMs = CASE_BUDGET_MS): Promise<void> {
  const started = performance.now();
  try {
    await t.parse(input);
  } catch (e) {
    if (!t.typed(e)) throw new Error(`${t.name}: not a typed error: ${describe(e)}`);
  }
  const ms = performance.now() - started;
  if (ms > budgetMs) throw new Error(`${t.name}: a case took ${Math.round(ms)} ms (budget ${budgetMs} ms)`);
}

export interface FuzzOptions {
  numRuns: number;
  seed?: number;
  budgetMs?: number;
  /** Called after each case, passed or failed (shrinking included), with the number done. */
  onCase?: (done: number) => void;
}

/** Runs `numRuns` cases; throws fast-check's report (seed, path, shrunk input) on the first failure. */
export async function fuzz<T>(t: FuzzTarget<T>, o: FuzzOptions): Promise<void> {
  // Warm up: the first cases load modules and fill caches, which is not the parser's time.
  for (const input of fc.sample(t.arbitrary, { numRuns: 20, seed: 1 })) {
    try {
      await t.parse(input);
    } catch {
      // judged in the run
    }
  }
  let done = 0;
  await fc.assert(
    fc.asyncProperty(t.arbitrary, async (input) => {
      try {
        await runCase(t, input, o.budgetMs);
      } finally {
        o.onCase?.(++done);
      }
    }),
    { numRuns: o.numRuns, ...(o.seed !== undefined ? { seed: o.seed } : {}), endOnFailure: false },
  );
}
