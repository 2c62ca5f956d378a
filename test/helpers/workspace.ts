/**
 * A throwaway folder per test: its own XDG_CONFIG_HOME (so the default
 * keystore lives inside it), a key made by `gitseal keygen` and a
 * `.gitseal.yaml` made by `gitseal init`.
 *
 * Running keygen+init costs two process starts, so by default they run once
 * per test file (worker) and each workspace gets a copy of that key and
 * config; `makeWorkspace({ freshKey: true })` runs them for real in the new
 * folder. Every workspace is still its own folder and config home.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { disposeCliSnapshot, runGitseal, type RunOptions, type RunResult } from './cli.js';

export interface KeyInfo {
  readonly file: string;
  readonly recipient: string;
  readonly kid: string;
}

export interface Workspace extends KeyInfo {
  /** The folder: commands run here unless told otherwise. */
  readonly dir: string;
  readonly configHome: string;
  /** What every command gets: XDG_CONFIG_HOME (and HOME) inside the workspace. */
  readonly env: Readonly<Record<string, string>>;
  run(args: readonly string[], opts?: Partial<RunOptions>): Promise<RunResult>;
  path(...parts: string[]): string;
  write(name: string, contents: string | Buffer): string;
  read(name: string): string;
  bytes(name: string): Buffer;
  /** `gitseal keygen -o NAME [EXTRA...]`: another, unrelated key. */
  keygen(name: string, extra?: { args?: string[]; env?: Record<string, string> }): Promise<KeyInfo>;
  cleanup(): void;
}

const kidOf = (stderr: string): string => {
  const m = /wrote key (\S+) to/.exec(stderr);
  if (!m) throw new Error(`keygen did not name its key: ${stderr}`);
  return m[1]!;
};

let shared: Promise<{ dir: string; key: KeyInfo; config: string }> | undefined;

function sharedKey(): NonNullable<typeof shared> {
  shared ??= (async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'gitseal-key-')));
    const env = { XDG_CONFIG_HOME: join(dir, 'config') };
    const k = await runGitseal(['keygen'], { cwd: dir, env });
    if (k.status !== 0) throw new Error(`keygen failed: ${k.stderr}`);
    const i = await runGitseal(['init'], { cwd: dir, env });
    if (i.status !== 0) throw new Error(`init failed: ${i.stderr}`);
    return {
      dir,
      key: { file: join(dir, 'config', 'gitseal', 'keys.yaml'), recipient: k.stdout.trim(), kid: kidOf(k.stderr) },
      config: readFileSync(join(dir, '.gitseal.yaml'), 'utf8'),
    };
  })();
  return shared;
}

/** Removes the per-worker key template; `useWorkspaces` calls it after the file's tests. */
export async function disposeSharedKey(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) rmSync((await s).dir, { recursive: true, force: true });
}

export async function makeWorkspace(opts: { freshKey?: boolean; init?: boolean } = {}): Promise<Workspace> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'gitseal-e2e-')));
  const configHome = join(dir, 'config');
  const keyFile = join(configHome, 'gitseal', 'keys.yaml');
  const env = { XDG_CONFIG_HOME: configHome, HOME: dir };
  const run = (args: readonly string[], o: Partial<RunOptions> = {}) => runGitseal(args, { ...o, cwd: o.cwd ?? dir, env: { ...env, ...o.env } });

  let key: KeyInfo;
  if (opts.freshKey) {
    const k = await run(['keygen']);
    if (k.status !== 0) throw new Error(`keygen failed: ${k.stderr}`);
    key = { file: keyFile, recipient: k.stdout.trim(), kid: kidOf(k.stderr) };
    if (opts.init !== false) {
      const i = await run(['init']);
      if (i.status !== 0) throw new Error(`init failed: ${i.stderr}`);
    }
  } else {
    const s = await sharedKey();
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    copyFileSync(s.key.file, keyFile);
    if (opts.init !== false) writeFileSync(join(dir, '.gitseal.yaml'), s.config);
    key = { ...s.key, file: keyFile };
  }

  const path = (...parts: string[]) => join(dir, ...parts);
  return {
    ...key,
    dir,
    configHome,
    env,
    run,
    path,
    write: (name, contents) => {
      const p = path(name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, contents);
      return p;
    },
    read: (name) => readFileSync(path(name), 'utf8'),
    bytes: (name) => readFileSync(path(name)),
    keygen: async (name, extra = {}) => {
      const k = await run(['keygen', '-o', name, ...(extra.args ?? [])], { env: extra.env ?? {} });
      if (k.status !== 0) throw new Error(`keygen -o ${name} failed: ${k.stderr}`);
      return { file: path(name), recipient: k.stdout.trim(), kid: kidOf(k.stderr) };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * `const newWorkspace = useWorkspaces();` then `await newWorkspace()` in a
 * test. Tests may run concurrently, so the folders are removed after the
 * file's last test rather than after each test.
 */
export function useWorkspaces(): (opts?: Parameters<typeof makeWorkspace>[0]) => Promise<Workspace> {
  const made: Workspace[] = [];
  afterAll(async () => {
    for (const w of made.splice(0)) w.cleanup();
    await disposeSharedKey();
    disposeCliSnapshot();
  });
  return async (opts) => {
    const w = await makeWorkspace(opts);
    made.push(w);
    return w;
  };
}
