/** The repository gitseal's git commands work on, through simple-git. */
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { fail } from '../core/errors.js';

// Git sets these for the hooks and drivers it runs (a temporary index during
// `git commit -a`, a linked work tree…). simple-git drops every GIT_*
// variable unless it is named, and without them a hook would read the wrong index.
const GIT_ENVIRONMENT = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_GLOBAL',
  'GIT_QUARANTINE_PATH',
];

export function gitAt(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, allowEnvironment: GIT_ENVIRONMENT });
}

/**
 * For `gitseal git setup` alone: simple-git refuses to write textconv and
 * merge-driver commands (they run programs), which is exactly what setup
 * is for; the values are gitseal's own command, never user input.
 */
export function gitForDriverConfig(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, allowEnvironment: GIT_ENVIRONMENT, unsafe: { allowUnsafeDiffTextConv: true, allowUnsafeMergeDriver: true } });
}

/** Absolute path of the work tree's top folder; E_USAGE outside a git work tree. */
export async function repoTop(cwd: string): Promise<string> {
  try {
    return (await gitAt(cwd).revparse(['--show-toplevel'])).trim();
  } catch {
    return fail('E_USAGE', 'not inside a git work tree: run this in your repository');
  }
}

/** The git folder the work trees of this repository share, absolute. */
export async function commonGitDir(top: string): Promise<string> {
  return resolve(top, (await gitAt(top).revparse(['--git-common-dir'])).trim());
}

/** The hooks folder git uses (`core.hooksPath` when set), absolute. */
export async function hooksDir(top: string): Promise<string> {
  return resolve(top, (await gitAt(top).revparse(['--git-path', 'hooks'])).trim());
}

/** Paths (from the top) of the files staged as added, copied or modified; renames count as added. */
export async function stagedFiles(top: string): Promise<string[]> {
  const out = await gitAt(top).raw(['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=ACM']);
  return out.split('\0').filter((f) => f !== '');
}

/** The staged content of a path (from the index, not the work tree). */
export async function stagedContent(top: string, path: string): Promise<Buffer> {
  return gitAt(top).showBuffer([`:${path}`]);
}
