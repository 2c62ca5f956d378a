/** The files git tracks, for `verify --all`: paths from the repository's top, found with `git ls-files`. */
import { fail } from '../core/errors.js';
import { gitAt, repoTop } from './git-repo.js';

export interface TrackedFiles {
  /** Absolute path of the work tree's top folder. */
  readonly top: string;
  /** Paths relative to `top`, with `/` separators, in git's order. */
  readonly files: string[];
}

/**
 * Every tracked file of the repository holding `cwd`, or, when `paths` are
 * given, those under them (read relative to `cwd`, taken literally: no glob
 * or pathspec magic, so a file named `*.yaml` means that file only).
 * Throws E_USAGE when `cwd` is not in a git work tree or a path lies outside it.
 */
export async function trackedFiles(cwd: string, paths: readonly string[] = []): Promise<TrackedFiles> {
  const top = await repoTop(cwd);
  let listing: string;
  try {
    listing = paths.length
      ? await gitAt(cwd).raw(['ls-files', '-z', '--full-name', '--', ...paths.map((p) => `:(literal)${p}`)])
      : await gitAt(top).raw(['ls-files', '-z']);
  } catch {
    // git's own message quotes the path; the reason is almost always this one.
    return fail('E_USAGE', 'git ls-files failed: give "gitseal verify --all" paths inside the repository');
  }
  return { top, files: listing.split('\0').filter((f) => f !== '') };
}
