/**
 * Runs the real, built `gitseal` (dist/gitseal.mjs) as a child process, or
 * the single executable that GITSEAL_TEST_BINARY names (gitsealCommand).
 *
 * `npm test` builds before vitest; when dist is missing (e.g. `npx vitest`
 * alone) the first caller builds it. The bundle is then copied to a private
 * folder once per test worker, so a concurrent `node build.mjs` (which
 * deletes dist/ first) cannot pull it out from under a running test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
const ENTRY = 'gitseal.mjs';

let snapshot: string | undefined;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function distListing(): string | null {
  try {
    const entry = statSync(join(DIST, ENTRY));
    return [entry.mtimeMs, ...readdirSync(join(DIST, 'chunks')).sort()].join('\n');
  } catch {
    return null;
  }
}

function buildOnce(): void {
  // One builder at a time across vitest workers: mkdir is atomic.
  const lock = join(tmpdir(), 'gitseal-test-build.lock');
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (distListing()) return;
      // A lock left by a killed run is stale after two minutes.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000) rmSync(lock, { recursive: true, force: true });
      sleep(100);
    }
  }
  try {
    if (!distListing()) {
      const r = spawnSync(process.execPath, ['build.mjs'], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node build.mjs failed:\n${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Path of this worker's copy of the built CLI. */
export function gitsealCli(): string {
  if (snapshot && existsSync(join(snapshot, ENTRY))) return join(snapshot, ENTRY);
  for (let attempt = 0; attempt < 50; attempt++) {
    let before = distListing();
    if (!before) {
      sleep(200); // maybe a concurrent build is under way
      before = distListing();
      if (!before) buildOnce();
      continue;
    }
    // Inside node_modules, so the packages the bundle leaves external (native, WebAssembly, SDKs) resolve as in an install.
    const dir = mkdtempSync(join(ROOT, 'node_modules', '.gitseal-cli-'));
    try {
      cpSync(DIST, dir, { recursive: true });
    } catch {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (distListing() === before) {
      snapshot = dir;
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      return join(dir, ENTRY);
    }
    rmSync(dir, { recursive: true, force: true });
    sleep(200);
  }
  throw new Error('dist/gitseal.mjs is missing or keeps changing: run node build.mjs');
}

/**
 * How to start gitseal with `args`: the single executable named by
 * GITSEAL_TEST_BINARY (npm run build:binary; read at each call), else node
 * with this worker's copy of the bundle.
 */
export function gitsealCommand(args: readonly string[]): { file: string; args: string[] } {
  const binary = process.env.GITSEAL_TEST_BINARY;
  return binary ? { file: resolvePath(ROOT, binary), args: [...args] } : { file: process.execPath, args: [gitsealCli(), ...args] };
}

/** Removes this worker's copy of the CLI (also done at exit); the next run makes a new one. */
export function disposeCliSnapshot(): void {
  if (snapshot) rmSync(snapshot, { recursive: true, force: true });
  snapshot = undefined;
}

export interface RunResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Added to the hermetic base environment; `undefined` removes a variable. */
  readonly env?: Record<string, string | undefined>;
  readonly input?: string | Buffer;
  readonly timeoutMs?: number;
}

/**
 * A clean environment: nothing from the developer's shell that gitseal reads
 * (GITSEAL_*, EDITOR, XDG_*), so a test sees only what it sets.
 */
export function baseEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    SHELL: '/bin/sh',
  };
}

/** Runs gitseal to completion; never rejects for a non-zero status (that is in the result). */
export function runGitseal(args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const env: Record<string, string> = { ...baseEnv(opts.cwd) };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const command = gitsealCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, command.args, { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {}); // EPIPE when the command does not read its input
    child.stdin.end(opts.input ?? '');
  });
}

/** A readable description of a run for assertion messages (never used on secret output in canary tests). */
export function describeRun(args: readonly string[], r: RunResult): string {
  return `gitseal ${args.join(' ')} → status ${r.status}${r.signal ? ` (${r.signal})` : ''}\nstderr: ${r.stderr}`;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
