/**
 * Runs one fuzz target in a worker thread for run.ts, posting a heartbeat
 * as cases pass so the main thread can tell a hang (a case that never
 * returns blocks this thread's event loop) from slow progress.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz } from './check.js';
import { TARGETS } from './targets.js';

export interface WorkerJob {
  name: string;
  runs: number;
  seed: number;
  budgetMs: number;
}

export type WorkerMessage = { kind: 'beat'; done: number } | { kind: 'done'; done: number; error?: string };

const job = workerData as WorkerJob;
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
let done = 0;
let lastBeat = 0;
const entry = TARGETS.find((t) => t.name === job.name)!;
const target = await entry.make();
try {
  await fuzz(target, {
    numRuns: job.runs,
    seed: job.seed,
    budgetMs: job.budgetMs,
    onCase: (n) => {
      done = n;
      const now = Date.now();
      if (now - lastBeat > 250) {
        lastBeat = now;
        post({ kind: 'beat', done });
      }
    },
  });
  post({ kind: 'done', done });
} catch (e) {
  post({ kind: 'done', done, error: e instanceof Error ? `${e.message}\n${e.cause instanceof Error ? e.cause.message : ''}` : String(e) });
} finally {
  await target.close?.();
}
