/**
 * A git repository inside a workspace with `gitseal git setup` done, and
 * git run the way a user would: hooks on, the drivers finding the
 * workspace's key (or, with `noKey`, no key at all).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunResult } from './cli.js';
import { initRepo } from './git.js';
import type { Workspace } from './workspace.js';

export interface Repo {
  readonly dir: string;
  /** git in the repository; never throws for a non-zero status. */
  git(args: readonly string[], opts?: { noKey?: boolean; env?: Record<string, string> }): RunResult;
  /** git that must succeed; returns stdout. */
  ok(...args: string[]): string;
  /** gitseal in the repository, with the workspace's key. */
  gitseal(args: readonly string[], opts?: { input?: string; env?: Record<string, string> }): Promise<RunResult>;
  write(name: string, contents: string): void;
  read(name: string): string;
}

export async function makeRepo(w: Workspace, opts: { setup?: boolean } = {}): Promise<Repo> {
  const dir = w.path('repo');
  mkdirSync(dir, { recursive: true });
  initRepo(dir);
  copyFileSync(w.path('.gitseal.yaml'), join(dir, '.gitseal.yaml'));
  const git: Repo['git'] = (args, o = {}) => {
    const r = spawnSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: w.dir,
        // No key: a config home with no keystore in it.
        XDG_CONFIG_HOME: o.noKey ? w.path('no-key-config') : w.configHome,
        GIT_CONFIG_NOSYSTEM: '1',
        LANG: 'C',
        ...o.env,
      },
    });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  };
  const repo: Repo = {
    dir,
    git,
    ok: (...args) => {
      const r = git(args);
      if (r.status !== 0) throw new Error(`git ${args.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    gitseal: (args, o = {}) => w.run(args, { cwd: dir, ...(o.input !== undefined ? { input: o.input } : {}), env: o.env ?? {} }),
    write: (name, contents) => {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), contents);
    },
    read: (name) => readFileSync(join(dir, name), 'utf8'),
  };
  if (opts.setup !== false) {
    const r = await repo.gitseal(['git', 'setup']);
    if (r.status !== 0) throw new Error(`gitseal git setup failed: ${r.stderr}`);
  }
  return repo;
}

/** Encrypts `plaintext` into `name` in the repository and commits it (hooks on). */
export async function commitEncrypted(repo: Repo, name: string, plaintext: string, message = `add ${name}`): Promise<void> {
  const r = await repo.gitseal(['encrypt', '-', '-o', name], { input: plaintext });
  if (r.status !== 0) throw new Error(`encrypt failed: ${r.stderr}`);
  repo.ok('add', '-A');
  repo.ok('commit', '-q', '-m', message);
}

/** `gitseal set` then a commit of every change. */
export async function setAndCommit(repo: Repo, name: string, path: string, value: string, message = `set ${path}`): Promise<void> {
  const r = await repo.gitseal(['set', name, path, '-'], { input: value });
  if (r.status !== 0) throw new Error(`set ${path} failed: ${r.stderr}`);
  repo.ok('commit', '-q', '-a', '-m', message);
}

/** `gitseal decrypt` of a file in the repository; throws when it fails. */
export async function decrypted(repo: Repo, name: string): Promise<string> {
  const r = await repo.gitseal(['decrypt', name]);
  if (r.status !== 0) throw new Error(`decrypt ${name} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
