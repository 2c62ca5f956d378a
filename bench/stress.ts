/**
 * stress: long operations must never hang. Not a speed measurement: every
 * run is timed and a run that takes more than 10× the median of its kind is
 * counted (goal: none), as is a run killed by the hard per-run timeout.
 * - `gitseal rotate` over 200 files, 100 runs;
 * - `gitseal verify` over the same 200 files (MACs checked), 100 runs;
 * - `gitseal encrypt` of a 200-document stream (200 DEKs, 200 ephemeral
 *   X25519 keys: the key agreement of 200 files in one process; encrypt takes
 *   one file per run), 100 runs;
 * - 10,000 single-item rewrap requests, one at a time, against `gitseal serve`.
 * Set STRESS_RUNS / STRESS_REQUESTS to change the counts.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { b64url } from '../core/bytes.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { loadSigningKey } from '../kms/auth/request-signature.js';
import { RewrapClient } from '../kms/client/client.js';
import { devSetup, DEV_KEY_ID } from '../kms/service/dev-setup.js';
import { decodeOrgKeys } from '../kms/service/org-key-file.js';
import { gitseal, median, note, randomValue, runCommand, shellLine, spawnGitseal, writeFile, type Goal, type Workspace } from './harness.js';

const FILES = 200;
const RUNS = Number(process.env.STRESS_RUNS) || 100;
const REQUESTS = Number(process.env.STRESS_REQUESTS) || 10_000;
const HARD_TIMEOUT_MS = 120_000;

interface Series {
  what: string;
  times: number[];
  killed: number;
}

function secret(i: number): string {
  return ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: app-${i}`, '  namespace: stress', 'type: Opaque', 'stringData:', ...Array.from({ length: 5 }, (_, k) => `  key-${k}: ${randomValue()}`), ''].join('\n');
}

/** Runs argv `runs` times; a run past the hard timeout is killed and counted, a failing run stops the bench. */
function repeat(ws: Workspace, what: string, argv: string[], runs: number): Series {
  const s: Series = { what, times: [], killed: 0 };
  const [, ...args] = argv;
  for (let i = -1; i < runs; i++) { // run -1 warms the page cache and is not counted
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ws.dir, env: ws.env, stdio: ['ignore', 'ignore', 'pipe'], timeout: HARD_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    if (r.signal === 'SIGKILL') {
      s.killed++;
      note(`${what}: run ${i + 1} killed after ${(ms / 1000).toFixed(0)} s (hung)`);
      continue;
    }
    if (r.status !== 0) throw new Error(`${shellLine(argv)} exited with ${r.status}: ${r.stderr.toString().trim().split('\n').pop()}`);
    if (i >= 0) s.times.push(ms);
    if (process.stdout.isTTY) process.stdout.write(`\r   ${what}: ${i + 1}/${runs}`);
  }
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  return s;
}

function report(s: Series): Goal {
  const m = median(s.times);
  const slow = s.times.filter((t) => t > 10 * m).length;
  const max = Math.max(...s.times);
  note(`${s.what}: ${s.times.length + s.killed} runs, median ${m.toFixed(1)} ms, max ${max.toFixed(1)} ms (${(max / m).toFixed(1)}× median), over 10× median: ${slow}, killed at ${HARD_TIMEOUT_MS / 1000} s: ${s.killed}`);
  return { bench: 'stress', what: `${s.what}: runs over 10× median or hung`, measured: slow + s.killed, unit: 'runs', limit: 0 };
}

async function rewrapRequests(ws: Workspace): Promise<Series> {
  const dev = await devSetup(join(ws.dir, 'stress-serve'));
  const [rec] = decodeOrgKeys(readFileSync(dev.config.keys, 'utf8'), dev.config.keys);
  const r = parseRecipient(rec!.recipient);
  const docId = randomBytes(16);
  const s = r.wrap(randomBytes(32), { scopeBinding: 'stress/app', docId });
  const item = { kid: s.kid, alg: 'mlkem1024-x25519' as const, enc: s.enc, dek: s.dek, scope: 'stress/app', docId: b64url(docId) };
  const { child, match } = await spawnGitseal(['serve', '--config', dev.config.file, '--port', '0'], { ...ws.env, ...dev.serviceEnv }, /rewrap service on (https:\/\/\S+).*\n/);
  const client = new RewrapClient({
    server: match[1]!,
    ca: readFileSync(dev.clientEnv.GITSEAL_SERVER_CA!),
    signingKey: { keyId: DEV_KEY_ID, privateKey: loadSigningKey(readFileSync(dev.clientEnv.GITSEAL_SIGNING_KEY!, 'utf8')).keyObject },
    timeoutMs: HARD_TIMEOUT_MS,
    retries: 0,
  });
  const series: Series = { what: `rewrap: ${REQUESTS.toLocaleString('en-US')} single-item requests`, times: [], killed: 0 };
  try {
    for (let i = 0; i < 50; i++) (await client.unwrap([item]))[0]!.fill(0); // warm-up: connection, JIT, workers
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      try {
        (await client.unwrap([item]))[0]!.fill(0);
        series.times.push(performance.now() - t0);
      } catch (e) {
        series.killed++;
        note(`rewrap request ${i + 1} failed after ${(performance.now() - t0).toFixed(0)} ms: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (process.stdout.isTTY && i % 100 === 99) process.stdout.write(`\r   rewrap: ${i + 1}/${REQUESTS}`);
    }
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  } finally {
    client.close();
    child.kill('SIGTERM');
  }
  return series;
}

export async function stress(ws: Workspace): Promise<Goal[]> {
  console.log(`\n== stress (${FILES} files; ${RUNS} runs of rotate, verify and encrypt; ${REQUESTS.toLocaleString('en-US')} rewrap requests)`);
  const files = Array.from({ length: FILES }, (_, i) => `stress/app-${String(i).padStart(3, '0')}.enc.yaml`);
  files.forEach((f, i) => {
    writeFile(ws, f, secret(i));
    runCommand(ws, gitseal('encrypt', '-i', f));
  });
  writeFile(ws, 'stress/stream.yaml', Array.from({ length: FILES }, (_, i) => secret(i)).join('---\n'));
  note(`inputs: ${FILES} encrypted Secrets (5 values each) under stress/, and stress/stream.yaml with ${FILES} documents`);

  const series = [
    repeat(ws, `rotate, ${FILES} files`, gitseal('rotate', ...files), RUNS),
    repeat(ws, `verify, ${FILES} files`, gitseal('verify', ...files), RUNS),
    repeat(ws, `encrypt, ${FILES} documents`, gitseal('encrypt', 'stress/stream.yaml', '-o', 'stress/stream.enc.yaml'), RUNS),
    await rewrapRequests(ws),
  ];
  return series.map(report);
}
