/**
 * `npm run fuzz [TARGET…]`: runs each fuzz target (test/fuzz/targets.ts) for
 * FUZZ_RUNS cases (default 200,000) in a worker thread, FUZZ_JOBS at a time
 * (default 1), and prints the time each took. A case slower than
 * FUZZ_BUDGET_MS (default 1000) fails its target; a worker silent for
 * FUZZ_HANG_S seconds (default 30) is stopped and reported as hung, with
 * the seed that reproduces it (FUZZ_SEED). Exits 1 when a target fails.
 */
import { Worker } from 'node:worker_threads';
import { TARGETS } from './targets.js';
import type { WorkerJob, WorkerMessage } from './worker.js';

const runs = Number(process.env.FUZZ_RUNS) || 200_000;
const jobs = Number(process.env.FUZZ_JOBS) || 1;
const budgetMs = Number(process.env.FUZZ_BUDGET_MS) || 1000;
const hangMs = (Number(process.env.FUZZ_HANG_S) || 30) * 1000;
const baseSeed = Number(process.env.FUZZ_SEED) || Date.now() % 2 ** 31;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !TARGETS.some((t) => t.name === n));
if (unknown.length) {
  console.error(`unknown fuzz target ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const chosen = TARGETS.filter((t) => wanted.length === 0 || wanted.includes(t.name));

interface Outcome {
  name: string;
  done: number;
  seconds: number;
  status: 'ok' | 'failed' | 'hung';
  detail?: string;
}

function runTarget(name: string, seed: number): Promise<Outcome> {
  const started = performance.now();
  const job: WorkerJob = { name, runs, seed, budgetMs };
  // tsx's loader does not reach a worker's entry file on Node 20, so the worker registers it and then imports worker.ts.
  const boot = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)});`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  return new Promise((resolve) => {
    let done = 0;
    let settled = false;
    const finish = (o: Omit<Outcome, 'name' | 'seconds'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ name, seconds: (performance.now() - started) / 1000, ...o });
    };
    let timer = setTimeout(() => hung(), hangMs);
    const hung = (): void => {
      finish({ done, status: 'hung', detail: `no case finished for ${hangMs / 1000} s after ${done} cases; reproduce with FUZZ_SEED=${seed} npm run fuzz ${name}` });
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      done = m.done;
      clearTimeout(timer);
      timer = setTimeout(hung, hangMs);
      if (m.kind === 'done') {
        finish(m.error === undefined ? { done, status: 'ok' } : { done, status: 'failed', detail: m.error });
        void worker.terminate();
      }
    });
    worker.on('error', (e) => finish({ done, status: 'failed', detail: `the worker died: ${e.message}` }));
    worker.on('exit', () => finish({ done, status: 'failed', detail: 'the worker exited without a result' }));
  });
}

console.log(`fuzzing ${chosen.length} targets, ${runs} cases each, ${jobs} at a time, seed ${baseSeed}, case budget ${budgetMs} ms`);
const outcomes: Outcome[] = [];
const queue = [...chosen];
await Promise.all(
  Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      const seed = baseSeed + TARGETS.indexOf(t);
      const o = await runTarget(t.name, seed);
      outcomes.push(o);
      const rate = o.seconds > 0 ? Math.round(o.done / o.seconds) : 0;
      console.log(`${o.status.padEnd(6)} ${o.name.padEnd(20)} ${String(o.done).padStart(8)} cases ${o.seconds.toFixed(1).padStart(8)} s ${String(rate).padStart(7)}/s (seed ${seed})`);
      if (o.detail) console.log(`       ${o.detail.split('\n').join('\n       ')}`);
    }
  }),
);
const total = outcomes.reduce((s, o) => s + o.done, 0);
const failed = outcomes.filter((o) => o.status !== 'ok');
console.log(`${total} cases in ${outcomes.length} targets; ${failed.length ? `failed: ${failed.map((o) => o.name).join(', ')}` : 'no failures'}`);
process.exit(failed.length ? 1 : 0);
