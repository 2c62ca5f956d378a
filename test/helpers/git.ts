/** Plain `git` in a test repository, with a local identity and no user or system config. */
import { execFileSync } from 'node:child_process';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: cwd, // no ~/.gitconfig there (not GIT_CONFIG_GLOBAL=/dev/null: tests must not depend on /dev/null being intact)
      GIT_CONFIG_NOSYSTEM: '1',
      LANG: 'C',
    },
  });
}

export function initRepo(dir: string): void {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'gitseal tests');
  git(dir, 'config', 'user.email', 'tests@gitseal.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'config', 'core.autocrlf', 'false');
}

export function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', message);
}

/** `git diff --numstat` of the work tree against HEAD, trimmed. */
export function numstat(dir: string, ...paths: string[]): string {
  return git(dir, 'diff', '--numstat', ...(paths.length ? ['--', ...paths] : [])).trim();
}

/** The lines `git diff` removes and adds in one file (no context). */
export function changedLines(dir: string, path: string): { removed: string[]; added: string[] } {
  const out = git(dir, 'diff', '-U0', '--no-color', '--', path);
  const removed: string[] = [];
  const added: string[] = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('---') || line.startsWith('+++')) continue;
    if (line.startsWith('-')) removed.push(line.slice(1));
    else if (line.startsWith('+')) added.push(line.slice(1));
  }
  return { removed, added };
}
