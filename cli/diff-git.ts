/**
 * `diff --git`: the files that changed between two commits, or between a
 * commit and the work tree, and both versions of each, read with git
 * (simple-git). Which of them are encrypted is decided later, by content.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { FileSide } from '../core/review/diff-file.js';
import { fail } from '../core/errors.js';

export interface FilePair {
  /** Path from the repository's top, with `/` separators. */
  readonly path: string;
  readonly oldPath?: string;
  readonly before: FileSide;
  readonly after: FileSide;
}

export interface GitRange {
  /** The work tree's top folder. */
  readonly top: string;
  /** Full commit ids; head null is the work tree. */
  readonly base: string;
  readonly head: string | null;
  readonly paths: readonly string[];
}

const ZERO = /^0+$/;
/** git's own test for binary content: a NUL byte in the first 8000 bytes. */
const isBinary = (b: Buffer): boolean => b.subarray(0, 8000).includes(0);
const sideOf = (b: Buffer): FileSide => (isBinary(b) ? { kind: 'binary' } : { kind: 'text', text: b.toString('utf8') });

/** The work tree's top folder and the commit `ref` names (null when it names none), in one git call. */
async function topAndCommit(git: SimpleGit, ref: string): Promise<{ top: string; commit: string | null }> {
  let out: string;
  try {
    // --verify --quiet: for a name that is not a commit, nothing printed and status 1, which simple-git does not treat as failure.
    out = await git.raw(['rev-parse', '--show-toplevel', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch (e) {
    const why = (e instanceof Error ? e.message : '').trim().split('\n')[0] ?? '';
    return fail('E_USAGE', `--git needs a git work tree: run gitseal diff inside one${why ? ` (${why})` : ''}`);
  }
  const [top, commit] = out.split('\n').map((l) => l.trim());
  if (!top) return fail('E_USAGE', '--git needs a git work tree: run gitseal diff inside one');
  return { top, commit: commit || null };
}

/** The commit `ref` names, or null. `--verify --quiet` prints nothing and exits 1 for a name that is not one. */
async function commitOf(git: SimpleGit, ref: string): Promise<string | null> {
  if (ref === '' || ref.startsWith('-')) return null;
  try {
    const sha = (await git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    return sha === '' ? null : sha;
  } catch {
    return null;
  }
}

/** True when `path` (relative to the current folder) names something in the work tree or in one of the commits. */
async function pathExists(git: SimpleGit, cwd: string, path: string, commits: readonly string[]): Promise<boolean> {
  const full = resolve(cwd, path);
  if (existsSync(full)) return true;
  const rel = relative(cwd, full).split(sep).join('/');
  for (const c of commits) {
    try {
      if ((await git.raw(['rev-parse', '--verify', '--quiet', `${c}:./${rel}`])).trim() !== '') return true;
    } catch {
      // outside the repository, or a name git cannot take: not there
    }
  }
  return false;
}

/**
 * Reads `--git BASE [HEAD] [PATH...] [-- PATH...]`: HEAD is the first
 * argument when it names a commit; `--git BASE..HEAD` and `BASE...HEAD`
 * name both, and every argument is then a path. Throws E_USAGE for a BASE that is not a
 * commit, an argument that is both a commit and a file, or a path found
 * nowhere.
 */
export async function resolveRange(cwd: string, baseRef: string, args: readonly string[], literalPaths: readonly string[]): Promise<GitRange> {
  if (baseRef === '' || baseRef.startsWith('-')) fail('E_USAGE', '--git needs a commit to compare with, e.g. gitseal diff --git HEAD~1 or --git main HEAD');
  const git = simpleGit({ baseDir: cwd });
  const dots = twoRefs(baseRef);
  const { top, commit: first } = await topAndCommit(git, dots?.base ?? baseRef);
  if (!first) fail('E_USAGE', `"${dots?.base ?? baseRef}" is not a commit in this repository: check the name, or fetch it (a CI checkout needs fetch-depth: 0)`);
  let base = first;
  let rest = [...args];
  let head: string | null = null;
  if (dots) {
    head = await commitOf(git, dots.head);
    if (!head) fail('E_USAGE', `"${dots.head}" is not a commit in this repository: check the name, or fetch it`);
    if (dots.mergeBase) base = (await git.raw(['merge-base', base, head])).trim() || fail('E_USAGE', `${dots.base} and ${dots.head} have no common ancestor`);
  } else if (rest.length > 0) {
    head = await commitOf(git, rest[0]!);
    if (head && existsSync(resolve(cwd, rest[0]!)))
      fail('E_USAGE', `"${rest[0]}" is both a commit and a file: write "-- ${rest[0]}" for the file, or "${rest[0]}^{commit}" for the commit`);
    if (head) rest = rest.slice(1);
  }
  const paths = [...rest, ...literalPaths];
  const commits = head ? [base, head] : [base];
  for (const p of paths)
    if (!(await pathExists(git, cwd, p, commits))) fail('E_USAGE', `"${p}" is neither a commit nor a file in the work tree or the commits compared (fetch a missing commit first)`);
  return { top, base, head, paths };
}

/**
 * `A..B` (base A, head B) and `A...B` (head B against its merge base with A), as `git diff` reads
 * them; an empty side is HEAD. Null for a single ref: a ref name cannot hold `..` (git check-ref-format).
 */
function twoRefs(ref: string): { base: string; head: string; mergeBase: boolean } | null {
  const at = ref.indexOf('..');
  if (at < 0) return null;
  const mergeBase = ref.startsWith('...', at);
  return { base: ref.slice(0, at) || 'HEAD', head: ref.slice(at + (mergeBase ? 3 : 2)) || 'HEAD', mergeBase };
}

interface RawEntry {
  readonly status: string;
  readonly oldSha: string;
  readonly newSha: string;
  readonly oldPath: string;
  readonly path: string;
}

/** `git diff --raw -z` records: ":mode mode sha sha STATUS\0path\0" and, for renames and copies, a second path. */
function parseRaw(out: string): RawEntry[] {
  const fields = out.split('\0');
  const entries: RawEntry[] = [];
  for (let k = 0; k + 1 < fields.length; ) {
    const meta = fields[k++]!.replace(/^:/, '').split(' ');
    const [oldMode, newMode, oldSha, newSha, status] = meta;
    if (!status || !oldSha || !newSha) break;
    const first = fields[k++]!;
    const second = /^[RC]/.test(status) ? fields[k++]! : first;
    // Submodules (gitlinks) hold a commit id, not a file.
    if (oldMode === '160000' || newMode === '160000') continue;
    entries.push({ status: status[0]!, oldSha, newSha, oldPath: first, path: second });
  }
  return entries;
}

/**
 * Both versions of every file that differs between `range.base` and
 * `range.head` (or the work tree), limited to `range.paths`; renames are
 * followed. Paths are from the repository's top. Untracked files are not
 * listed, as `git diff` does not list them.
 */
export async function changedFiles(cwd: string, range: GitRange): Promise<FilePair[]> {
  const git = simpleGit({ baseDir: cwd });
  const top = range.top;
  const specs = range.paths.map((p) => `:(literal)${isAbsolute(p) ? relative(cwd, p) || '.' : p}`);
  const raw = await git.raw(['diff', '--raw', '-z', '--no-abbrev', '--find-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules', range.base, ...(range.head ? [range.head] : []), '--', ...specs]);
  const blob = async (sha: string): Promise<FileSide> => (ZERO.test(sha) ? { kind: 'absent' } : sideOf(await git.binaryCatFile(['blob', sha])));
  const workTree = (path: string): FileSide => {
    try {
      return sideOf(readFileSync(join(top, path)));
    } catch {
      return { kind: 'absent' };
    }
  };
  return Promise.all(
    parseRaw(raw).map(async (e): Promise<FilePair> => {
      const before: FileSide = e.status === 'A' ? { kind: 'absent' } : await blob(e.oldSha);
      const after: FileSide = e.status === 'D' ? { kind: 'absent' } : range.head ? await blob(e.newSha) : workTree(e.path);
      return { path: e.path, ...(e.oldPath !== e.path ? { oldPath: e.oldPath } : {}), before, after };
    }),
  );
}
