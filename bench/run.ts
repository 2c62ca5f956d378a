/**
 * Runs the benchmarks: all, or those named on the command line (a prefix is enough):
 *   npm run bench                          # build, then every benchmark
 *   npm run bench -- cold-start encrypt    # only cold-start and encrypt-decrypt
 *   npm run bench -- stress                # hang hunting (minutes); not part of the default set
 * Benchmarks are not tests: they print figures, ratios to references measured in the same run, and
 * PASS/MISS against the goals; the exit status is 0 unless a benchmark could not run.
 * Set BENCH_KEEP=1 to keep the temp folder (inputs, outputs, key).
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bulk } from './bulk.js';
import { coldStart } from './cold-start.js';
import { controller } from './controller.js';
import { decap } from './decap.js';
import { diff } from './diff.js';
import { encryptDecrypt } from './encrypt-decrypt.js';
import { importSops } from './import-sops.js';
import { goalTable, makeWorkspace, removeWorkspace, verdict, type Benchmark, type Goal } from './harness.js';
import { manyFiles } from './many-files.js';
import { multidoc } from './multidoc.js';
import { rewrap } from './rewrap.js';
import { rewrapSignatures } from './rewrap-signatures.js';
import { sign } from './sign.js';
import { stress } from './stress.js';

const BENCHMARKS: ReadonlyArray<readonly [string, Benchmark]> = [
  ['cold-start', coldStart],
  ['encrypt-decrypt', encryptDecrypt],
  ['multidoc', multidoc],
  ['many-files', manyFiles],
  ['bulk', bulk],
  ['diff', diff],
  ['decap', decap],
  ['rewrap', rewrap],
  ['rewrap-signatures', rewrapSignatures],
  ['controller', controller],
  ['import-sops', importSops],
  ['sign', sign],
  // Minutes long, and about hangs rather than speed: only when asked for.
  ['stress', stress],
];

const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? BENCHMARKS.filter(([name]) => name !== 'stress') : BENCHMARKS.filter(([name]) => wanted.some((w) => name.startsWith(w)));
const unknown = wanted.filter((w) => !BENCHMARKS.some(([name]) => name.startsWith(w)));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.map(([n]) => n).join(', ')}`);
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const t0 = Date.now();
console.log(`gitseal benchmarks: ${selected.map(([n]) => n).join(', ')}`);
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (loadavg()[0]! > cpus().length / 2)
  console.log(`WARNING: load average ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores: other processes compete for the CPU, so figures are noisy and slower than on an idle machine`);
console.log('times are whole-process wall times (spawn to exit) unless marked in-process; 1 warm-up run, then N runs; ratios use medians');

const ws = makeWorkspace(root);
console.log(`workspace ${ws.dir}: dist/ copied from this build; key by "node dist/gitseal.mjs keygen -o ${ws.keyFile}", .gitseal.yaml by "node dist/gitseal.mjs init"`);

const goals: Goal[] = [];
let failed = false;
try {
  for (const [name, bench] of selected) {
    try {
      const g = await bench(ws);
      console.log('');
      goalTable(g);
      goals.push(...g);
    } catch (e) {
      failed = true;
      console.log(`   ${name}: could not run: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
} finally {
  if (process.env.BENCH_KEEP) console.log(`\nkept ${ws.dir}`);
  else removeWorkspace(ws);
}

console.log(`\n== summary (${((Date.now() - t0) / 1000).toFixed(0)} s, load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
goalTable(goals, true);
const count = (v: string) => goals.filter((g) => verdict(g) === v).length;
console.log(`   ${count('PASS')} PASS, ${count('MISS')} MISS${count('SKIP') ? `, ${count('SKIP')} SKIP` : ''}`);
process.exitCode = failed ? 1 : 0;
