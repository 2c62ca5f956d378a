/**
 * Shared bits of the benchmarks (not tests: nothing here asserts).
 * - timing of whole child processes, hyperfine-style: 1 warm-up, N runs, median and min in ms;
 * - timing of in-process functions the same way;
 * - a temp workspace with a snapshot of dist/, a key made by `gitseal keygen` and `.gitseal.yaml` made by `gitseal init`;
 * - input generators and the printed tables with goals, ratios and PASS/MISS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly runs: number;
}

export interface Workspace {
  /** Temp folder; every command runs with it as cwd, so printed commands are exact there. */
  readonly dir: string;
  /** Environment of the child processes: XDG_CONFIG_HOME in the temp folder, no NODE_OPTIONS or GITSEAL_*. */
  readonly env: NodeJS.ProcessEnv;
  /** Relative path of the key made by `keygen -o` (where gitseal looks by default under XDG_CONFIG_HOME). */
  readonly keyFile: string;
}

export type Benchmark = (ws: Workspace) => Promise<Goal[]> | Goal[];

export interface Goal {
  readonly bench: string;
  readonly what: string;
  /** Measured value in `unit` (a ratio, ms or MB). */
  readonly measured: number | null;
  readonly unit: '×' | 'ms' | 'MB' | 'runs' | 'records';
  readonly limit: number;
  /** Why there is no measurement, when measured is null. */
  readonly note?: string;
}

const GITSEAL = 'dist/gitseal.mjs';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const statsOf = (times: readonly number[]): Stats => ({ median: median(times), min: Math.min(...times), runs: times.length });

/** Shell-quoted rendering of argv, for printing the exact command. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[-\w./=:@+,]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export class CommandFailed extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`${shellLine(argv)} exited with ${status}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

interface RunOptions {
  readonly runs: number;
  readonly warmup?: number;
  /** Untimed step before every run (warm-up included), like hyperfine --prepare. */
  readonly prepare?: () => void;
  /** The exit status the command must have for a run to count (default 0). */
  readonly status?: number;
}

/** argv[0] 'node' is this process's node binary. stdout goes to /dev/null, stderr is kept to explain a failure. */
function spawnOnce(ws: Workspace, argv: readonly string[]): { ms: number; status: number | null; stderr: string } {
  const [cmd, ...args] = argv;
  const bin = cmd === 'node' ? process.execPath : cmd!;
  const t0 = performance.now();
  const r = spawnSync(bin, args, { cwd: ws.dir, env: ws.env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  return { ms, status: r.status, stderr: r.stderr?.toString('utf8') ?? '' };
}

/** Runs argv (cwd = workspace) warmup + runs times; returns the timed runs' median and min in ms. */
export function timeCommand(ws: Workspace, argv: readonly string[], o: RunOptions): Stats {
  const want = o.status ?? 0;
  const times: number[] = [];
  for (let i = 0; i < (o.warmup ?? 1) + o.runs; i++) {
    o.prepare?.();
    const r = spawnOnce(ws, argv);
    if (r.status !== want) throw new CommandFailed(argv, r.status, r.stderr);
    if (i >= (o.warmup ?? 1)) times.push(r.ms);
  }
  return statsOf(times);
}

/**
 * Several commands timed round-robin (run 1 of each, then run 2 of each, …), so a change of machine load
 * during the measurement hits all of them alike: the ratios between them stay fair on a busy machine.
 * `statuses[j]` is the exit status command j must have (default 0; `gitseal diff` exits 1 on a difference).
 */
export function timeInterleaved(ws: Workspace, argvs: readonly (readonly string[])[], o: Pick<RunOptions, 'runs' | 'warmup'> & { statuses?: readonly number[] }): Stats[] {
  const times = argvs.map((): number[] => []);
  for (let i = 0; i < (o.warmup ?? 1) + o.runs; i++)
    argvs.forEach((argv, j) => {
      const r = spawnOnce(ws, argv);
      if (r.status !== (o.statuses?.[j] ?? 0)) throw new CommandFailed(argv, r.status, r.stderr);
      if (i >= (o.warmup ?? 1)) times[j]!.push(r.ms);
    });
  return times.map(statsOf);
}

/** Runs a command once, untimed (setup steps); throws CommandFailed on a non-zero exit. */
export function runCommand(ws: Workspace, argv: readonly string[]): void {
  const r = spawnOnce(ws, argv);
  if (r.status !== 0) throw new CommandFailed(argv, r.status, r.stderr);
}

/** Runs once and returns the exit status and the last stderr line (to show a refusal such as E_TOO_LARGE). */
export function probeCommand(ws: Workspace, argv: readonly string[]): { ms: number; status: number | null; message: string } {
  const r = spawnOnce(ws, argv);
  return { ms: r.ms, status: r.status, message: r.stderr.trim().split('\n').pop() ?? '' };
}

/** In-process timing of fn, same protocol as timeCommand. */
export function timeFn(fn: () => void, o: { runs: number; warmup?: number; prepare?: () => void }): Stats {
  const times: number[] = [];
  for (let i = 0; i < (o.warmup ?? 1) + o.runs; i++) {
    o.prepare?.();
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    if (i >= (o.warmup ?? 1)) times.push(ms);
  }
  return statsOf(times);
}

export const gitseal = (...args: string[]): string[] => ['node', GITSEAL, ...args];

/** Temp folder with dist/ copied in (so a concurrent rebuild cannot pull it away mid-run), a key and `.gitseal.yaml`. */
export function makeWorkspace(projectRoot: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-bench-'));
  cpSync(join(projectRoot, 'dist'), join(dir, 'dist'), { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (k !== 'NODE_OPTIONS' && !k.startsWith('GITSEAL_')) env[k] = v;
  env.XDG_CONFIG_HOME = join(dir, 'config');
  const ws: Workspace = { dir, env, keyFile: 'config/gitseal/keys.yaml' };
  runCommand(ws, gitseal('--version'));
  runCommand(ws, gitseal('keygen', '-o', ws.keyFile));
  runCommand(ws, gitseal('init'));
  return ws;
}

export function removeWorkspace(ws: Workspace): void {
  rmSync(ws.dir, { recursive: true, force: true });
}

export const inWs = (ws: Workspace, name: string): string => join(ws.dir, name);

/** Removes a file of the workspace if present (a `prepare` step: encrypt must not find a previous output). */
export const removeFile = (ws: Workspace, name: string) => (): void => {
  if (existsSync(inWs(ws, name))) rmSync(inWs(ws, name));
};

/** ~24 random characters (base64url of 18 random bytes). */
export const randomValue = (): string => randomBytes(18).toString('base64url');

export const keyName = (i: number): string => `key-${String(i).padStart(6, '0')}`;

/**
 * A manifest with n stringData values. kind 'Secret' gives a Kubernetes Secret; any other kind is
 * encrypted by gitseal in generic mode (every value and key).
 */
export function writeManifest(ws: Workspace, name: string, n: number, kind = 'Secret'): string {
  const lines = ['apiVersion: v1', `kind: ${kind}`, 'metadata:', '  name: bench', '  namespace: default'];
  if (kind === 'Secret') lines.push('type: Opaque');
  lines.push('stringData:');
  for (let i = 0; i < n; i++) lines.push(`  ${keyName(i)}: ${randomValue()}`);
  writeFileSync(inWs(ws, name), lines.join('\n') + '\n');
  return name;
}

export function writeFile(ws: Workspace, name: string, data: string | Uint8Array): string {
  const path = inWs(ws, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return name;
}

// ---------------------------------------------------------------- printing

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function header(title: string, ws: Workspace): void {
  console.log(`\n== ${title}`);
  console.log(`   cwd ${ws.dir}, env XDG_CONFIG_HOME=${ws.env.XDG_CONFIG_HOME} (no NODE_OPTIONS, no GITSEAL_*)`);
  console.log(`   ${pad('what', 44)} ${lpad('median ms', 10)} ${lpad('min ms', 9)} ${lpad('runs', 4)}  command`);
}

/** One measured line; `extra` is appended after the command column's leading text (e.g. per-value time, a ratio). */
export function line(what: string, s: Stats, command: string, extra = ''): void {
  console.log(`   ${pad(what, 44)} ${lpad(fmtMs(s.median), 10)} ${lpad(fmtMs(s.min), 9)} ${lpad(String(s.runs), 4)}  ${command}${extra ? `   [${extra}]` : ''}`);
}

export function note(text: string): void {
  console.log(`   ${text}`);
}

export const fmtRatio = (r: number): string => `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
export const fmtVal = (g: Pick<Goal, 'measured' | 'unit'>): string =>
  g.measured === null ? '—' : g.unit === '×' ? fmtRatio(g.measured) : g.unit === 'runs' ? String(g.measured) : g.unit === 'records' ? `${g.measured} records` : g.unit === 'MB' ? `${Math.round(g.measured)} MB` : `${fmtMs(g.measured)} ms`;
export const verdict = (g: Goal): string => (g.measured === null ? 'SKIP' : g.measured <= g.limit ? 'PASS' : 'MISS');

export function goalTable(goals: readonly Goal[], withBench = false): void {
  if (goals.length === 0) return;
  const w = Math.max(...goals.map((g) => (withBench ? g.bench.length + 2 : 0) + g.what.length), 10);
  console.log(`   ${pad('goal', w)} ${lpad('measured', 10)} ${lpad('goal', 10)}  result`);
  for (const g of goals) {
    const label = withBench ? `${g.bench}: ${g.what}` : g.what;
    const limit = `≤ ${g.unit === '×' ? `${g.limit}×` : `${g.limit.toLocaleString('en-US')} ${g.unit}`}`;
    console.log(`   ${pad(label, w)} ${lpad(fmtVal(g), 10)} ${lpad(limit, 10)}  ${verdict(g)}${g.note ? `  (${g.note})` : ''}`);
  }
}

/**
 * Starts `node [nodeArgs] dist/gitseal.mjs ARGS` as a long-running process (serve, controller) and
 * resolves when its output matches `ready`; rejects if it exits first.
 */
export function spawnGitseal(args: readonly string[], env: NodeJS.ProcessEnv, ready: RegExp, nodeArgs: readonly string[] = []): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [...nodeArgs, GITSEAL, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += d.toString();
      const m = ready.exec(text);
      if (m) resolve({ child, match: m });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`gitseal ${args[0]} exited with ${code}: ${text.slice(-500)}`)));
  });
}

/** Peak resident set of a process, from /proc (kB → MB). */
export const peakRssMb = (pid: number): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** NODE_OPTIONS of the first container of the Deployment in `file` (relative to the repository), or ''. */
export function deploymentNodeOptions(file: string): string {
  type Doc = { kind?: string; spec?: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } };
  const docs = parseAllDocuments(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')).map((d) => d.toJS() as Doc);
  const env = docs.find((d) => d.kind === 'Deployment')?.spec?.template.spec.containers[0]?.env;
  return env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}

/** CPU seconds a process (all its threads) has used, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
}
