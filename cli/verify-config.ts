/**
 * `gitseal verify`'s look at `.gitseal.yaml` against a base revision (issue
 * 14). Which writers a reader trusts is their own configuration, never the
 * repository's; but a change that adds a writer to `.gitseal.yaml`, renames
 * one or turns `requireSignatures` off is how someone with push access would
 * make a forged document look expected, so it is a problem to review.
 *
 * Each folder is governed by the nearest `.gitseal.yaml` above it inside the
 * repository (as findConfig reads it), so a `.gitseal.yaml` added in a
 * subfolder, or one deleted, changes what applies there too: for every
 * folder that holds one in either version, the policy in force in the work
 * tree is compared with the one in force at the base.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { fail } from '../core/errors.js';
import { isRecord } from '../core/is-record.js';
import { parseWriterList } from '../core/crypto/writer-file.js';
import type { TrustedWriter } from '../core/crypto/writer-key.js';
import { CONFIG_FILE, loadConfig, recipientFilesNamed } from './config.js';
import { gitAt, repoTop } from './git-repo.js';
import type { Problem } from './verify-file.js';

/** What `.gitseal.yaml` says about writers. */
interface WriterPolicy {
  readonly requireSignatures: boolean;
  readonly writers: readonly TrustedWriter[];
}

interface NamedWriter {
  readonly name: string;
  readonly kid: string;
}

export interface ConfigReport {
  /** The `.gitseal.yaml` that changed, from the repository's top. */
  readonly file: string;
  /** `added` or `deleted`: a `.gitseal.yaml` of a subfolder, compared with the one in force there before (or after). */
  readonly change: 'modified' | 'added' | 'deleted';
  /** For an added file, the one in force at the base; for a deleted one, the one in force now; null when none is. */
  readonly comparedWith?: string | null;
  readonly added: readonly NamedWriter[];
  readonly removed: readonly NamedWriter[];
  readonly renamed: ReadonlyArray<{ readonly kid: string; readonly from: string; readonly to: string }>;
  readonly requireSignaturesDropped: boolean;
  readonly problems: readonly Problem[];
}

/** Where a policy comes from: a `.gitseal.yaml` by its path from the top, and what it says (or why it cannot be read). */
type InForce = { readonly file: string; readonly policy: WriterPolicy | Problem } | null;

export interface ConfigBaseline {
  /** The full commit id compared with. */
  readonly base: string;
  /** The policy in force at the base for a folder (absolute), null when no `.gitseal.yaml` of the repository applies there. */
  baseAt(dir: string): WriterPolicy | null;
  /** The changes for the folders given (absolute), each pair of files once. */
  compare(dirs: readonly string[]): ConfigReport[];
  /** Every folder that holds a `.gitseal.yaml` in the work tree or at the base. */
  configFolders(): string[];
  /**
   * Writes the base's `.gitseal.yaml` files under `dir`, each at its path from the top, so the
   * creation rules and recipients of the base can be read as a work tree's (verify --review),
   * with the recipient files they name as the base has them (a pull request that changes
   * `keys/org.pub` is checked against main's). `dir` gets a `.git` so those paths are confined
   * to it as to the repository. Without one at the top, `{}` stands there, so the lookup stops at `dir`.
   */
  materialise(dir: string): Promise<void>;
}

const isProblem = (p: WriterPolicy | Problem): p is Problem => 'code' in p;
const NO_POLICY: WriterPolicy = { requireSignatures: false, writers: [] };

/** The writer fields of a `.gitseal.yaml` read from git. Other fields are the work tree's business (loadConfig). */
function writerPolicyOf(text: string, where: string): WriterPolicy | Problem {
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 10 });
  } catch {
    return { code: 'E_CONFIG', message: `${where} is not valid YAML` };
  }
  if (raw === null) return NO_POLICY;
  if (!isRecord(raw)) return { code: 'E_CONFIG', message: `${where} must be a mapping` };
  try {
    return { requireSignatures: raw.requireSignatures === true, writers: parseWriterList(raw.writers, where) };
  } catch {
    return { code: 'E_CONFIG', message: `${where}: writers is invalid` };
  }
}

const quoted = (w: NamedWriter): string => `${JSON.stringify(w.name)} (${w.kid})`;
const named = (w: TrustedWriter): NamedWriter => ({ name: w.name, kid: w.key.kid });

type Where = Pick<ConfigReport, 'file' | 'change' | 'comparedWith'>;

function whereText(w: Where, since: string): string {
  if (w.change === 'modified') return `since ${since}`;
  const other = w.comparedWith ?? 'no .gitseal.yaml';
  return w.change === 'added' ? `by this new file (at ${since} ${other} applied here)` : `by deleting it since ${since} (${other} applies here now)`;
}

/** The differences between the policy in force at the base and in the work tree; null when there are none. */
function changes(where: Where, base: WriterPolicy, now: WriterPolicy, since: string): ConfigReport | null {
  const before = new Map(base.writers.map((w) => [w.key.kid, w]));
  const after = new Map(now.writers.map((w) => [w.key.kid, w]));
  const added = now.writers.filter((w) => !before.has(w.key.kid)).map(named);
  const removed = base.writers.filter((w) => !after.has(w.key.kid)).map(named);
  const renamed = now.writers.filter((w) => before.has(w.key.kid) && before.get(w.key.kid)!.name !== w.name).map((w) => ({ kid: w.key.kid, from: before.get(w.key.kid)!.name, to: w.name }));
  const requireSignaturesDropped = base.requireSignatures && !now.requireSignatures;
  if (added.length + removed.length + renamed.length === 0 && !requireSignaturesDropped) return null;
  const problems: Problem[] = [];
  if (added.length + removed.length + renamed.length) {
    const parts = [
      ...added.map((w) => `added ${quoted(w)}`),
      ...removed.map((w) => `removed ${quoted(w)}`),
      ...renamed.map((r) => `renamed ${JSON.stringify(r.from)} (${r.kid}) to ${JSON.stringify(r.to)}`),
    ];
    problems.push({
      code: 'E_CONFIG',
      message: `writer list changed ${whereText(where, since)}: ${parts.join('; ')}. A declared writer is a name only: trust a key once its owner confirms it is theirs`,
    });
  }
  if (requireSignaturesDropped)
    problems.push({ code: 'E_CONFIG', message: `requireSignatures turned off ${whereText(where, since)}: unsigned and untrusted documents are no longer refused` });
  return { ...where, added, removed, renamed, requireSignaturesDropped, problems };
}

/**
 * The base to compare `.gitseal.yaml` with: `baseRef` when given (E_USAGE
 * outside a git work tree, or when it names no commit), else HEAD in a git
 * work tree that has one; null otherwise (nothing to compare with).
 */
export async function configBaseline(cwd: string, baseRef: string | undefined): Promise<ConfigBaseline | null> {
  if (baseRef !== undefined && (baseRef === '' || baseRef.startsWith('-'))) fail('E_USAGE', '--base needs a commit, e.g. --base main');
  let top: string;
  try {
    top = await repoTop(cwd);
  } catch (e) {
    if (baseRef === undefined) return null;
    throw e;
  }
  const git = gitAt(top);
  const ref = baseRef ?? 'HEAD';
  let base = '';
  try {
    base = (await git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    // not a commit: below
  }
  if (!base) {
    if (baseRef === undefined) return null; // a repository with no commit yet
    return fail('E_USAGE', `--base "${baseRef}" is not a commit in this repository: check the name, or fetch it (a CI checkout needs fetch-depth: 0)`);
  }
  const isConfig = (p: string) => p === CONFIG_FILE || p.endsWith(`/${CONFIG_FILE}`);
  const atBase = (await git.raw(['ls-tree', '-r', '-z', '--name-only', base])).split('\0').filter(isConfig);
  const inTree = (await git.raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard'])).split('\0').filter(isConfig);
  const baseTexts = new Map<string, WriterPolicy | Problem>();
  const rawTexts = new Map<string, string>();
  for (const file of atBase) {
    rawTexts.set(file, await git.show([`${base}:${file}`]));
    baseTexts.set(file, writerPolicyOf(rawTexts.get(file)!, `${file} at ${base.slice(0, 12)}`));
  }

  const rel = (dir: string): string => relative(top, dir).split(sep).join('/');
  const inRepo = (dir: string): boolean => dir === top || !relative(top, dir).startsWith('..');
  /** The nearest `.gitseal.yaml` at or above `dir` inside the repository, for which `has` says it exists. */
  const nearest = (dir: string, has: (file: string) => boolean): string | null => {
    for (let d = dir; inRepo(d); d = dirname(d)) {
      const file = rel(d) === '' ? CONFIG_FILE : `${rel(d)}/${CONFIG_FILE}`;
      if (has(file)) return file;
      if (d === top) break;
    }
    return null;
  };
  const baseInForce = (dir: string): InForce => {
    const file = nearest(dir, (f) => baseTexts.has(f));
    return file ? { file, policy: baseTexts.get(file)! } : null;
  };
  const treeInForce = (dir: string): InForce => {
    const file = nearest(dir, (f) => existsSync(join(top, f)));
    if (!file) return null;
    try {
      const c = loadConfig(join(top, file));
      return { file, policy: { requireSignatures: c.requireSignatures, writers: c.writers } };
    } catch (e) {
      return { file, policy: { code: 'E_CONFIG', message: e instanceof Error ? e.message : `${file} is invalid` } };
    }
  };
  const since = base.startsWith(ref) ? base.slice(0, 12) : `${ref} (${base.slice(0, 12)})`;

  return {
    base,
    baseAt: (dir) => {
      const f = inRepo(dir) ? baseInForce(dir) : null;
      return f && !isProblem(f.policy) ? f.policy : null;
    },
    materialise: async (dir) => {
      mkdirSync(join(dir, '.git'));
      if (!rawTexts.has(CONFIG_FILE)) writeFileSync(join(dir, CONFIG_FILE), '{}\n');
      for (const [file, text] of rawTexts) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
        for (const named of recipientFilesNamed(text)) {
          const path = posix.normalize(posix.join(posix.dirname(file), named));
          // A path out of the repository, or a symbolic link at the base, is left out: loadConfig then refuses it there.
          if (path === '..' || path.startsWith('../') || posix.isAbsolute(path)) continue;
          if (!/^100\d{3} blob /.test(await git.raw(['ls-tree', '-z', base, '--', path]))) continue;
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), await git.show([`${base}:${path}`]));
        }
      }
    },
    configFolders: () => [...new Set([...atBase, ...inTree].map((f) => join(top, dirname(f))))],
    compare: (dirs) => {
      const reports: ConfigReport[] = [];
      const seen = new Set<string>();
      for (const dir of dirs) {
        if (!inRepo(dir)) continue;
        const now = treeInForce(dir);
        const then = baseInForce(dir);
        if (!now && !then) continue;
        const pair = `${now?.file ?? ''}\n${then?.file ?? ''}`;
        if (seen.has(pair)) continue;
        seen.add(pair);
        // Both are this folder's ancestors (or itself): the deeper one is new, or gone.
        const where: Where =
          now && then && now.file === then.file
            ? { file: now.file, change: 'modified' }
            : now && (!then || now.file.length > then.file.length)
              ? { file: now.file, change: 'added', comparedWith: then?.file ?? null }
              : { file: then!.file, change: 'deleted', comparedWith: now?.file ?? null };
        const nowPolicy = now ? now.policy : NO_POLICY;
        const thenPolicy = then ? then.policy : NO_POLICY;
        // A work tree file that cannot be read is reported where it is used (verify's file reports); one at the base, here.
        if (isProblem(nowPolicy)) continue;
        if (isProblem(thenPolicy)) {
          reports.push({ ...where, added: [], removed: [], renamed: [], requireSignaturesDropped: false, problems: [thenPolicy] });
          continue;
        }
        const report = changes(where, thenPolicy, nowPolicy, since);
        if (report) reports.push(report);
      }
      return reports;
    },
  };
}
