/**
 * `gitseal verify --all`: the repository's tracked files. A file a creation
 * rule in `.gitseal.yaml` matches must be encrypted; every encrypted file
 * must verify. Other files are skipped, most without being read: only
 * matched files and YAML/JSON files that carry gitseal's markers are parsed.
 * Every `.gitseal.yaml` of the repository is compared with the base revision
 * (cli/verify-config.ts), whatever the paths, so a pull request that only
 * adds a writer is flagged too.
 */
import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { looksEncrypted } from '../core/review/diff-file.js';
import { isEncryptedObject } from '../core/format/encrypted-document.js';
import { detectFormat } from '../core/format/encrypted-store.js';
import { MAX_ALIAS_COUNT } from '../core/format/yaml-store.js';
import type { Identity } from '../core/crypto/recipients/types.js';
import { configPerFolder, policyFor } from './config.js';
import { readInput } from './files.js';
import { trackedFiles } from './tracked-files.js';
import { configBaseline, type ConfigBaseline, type ConfigReport } from './verify-config.js';
import { problemOf, verifyText, type FileReport } from './verify-file.js';

export interface RepoSummary {
  /** Files git tracks under the paths asked for. */
  readonly tracked: number;
  /** Files checked: the encrypted ones and those a creation rule matches. */
  readonly checked: number;
  /** Holding plaintext where a creation rule or the file's other documents say it must be encrypted (counted in `failed` too). */
  readonly unencrypted: number;
  readonly failed: number;
  /** `.gitseal.yaml` files whose writers or requireSignatures changed since the base. */
  readonly config: number;
}

export interface RepoReport {
  readonly ok: boolean;
  /** The commit `.gitseal.yaml` was compared with (--base, else HEAD); null when there is none. */
  readonly base: string | null;
  readonly summary: RepoSummary;
  readonly config: ConfigReport[];
  /** One report per checked file, named by its path from the repository's top. */
  readonly files: FileReport[];
}

const DATA_FILE = /\.(ya?ml|json)$/i;

/**
 * True when some document of `text` is gitseal output. False for text that
 * does not parse, so a file that merely mentions gitseal (a schema, test
 * vectors) is not mistaken for an encrypted one.
 */
export function holdsEncryptedDocument(text: string): boolean {
  try {
    if (detectFormat(text) === 'json') return isEncryptedObject(JSON.parse(text));
    const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
    if (!Array.isArray(docs)) return false;
    return docs.some((d) => {
      try {
        return d.errors.length === 0 && isEncryptedObject(d.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

const notEncrypted = (file: string): FileReport => ({
  file,
  ok: false,
  documents: [],
  // The file's name only: its content is plaintext that should never have been committed.
  problems: [{ code: 'E_NOT_ENCRYPTED', message: `not encrypted, but a creation rule in .gitseal.yaml matches it: run "gitseal encrypt -i ${file}"` }],
});

/** The report for one tracked file, or null when it is none of verify's business. Never throws. */
function checkTracked(abs: string, rel: string, matched: boolean, identities: readonly Identity[] | null, baseline: ConfigBaseline | null): FileReport | null {
  try {
    if (!matched && !DATA_FILE.test(rel)) return null;
    // Deleted from the work tree, a submodule or a symlink: nothing of ours to read here.
    if (!lstatSync(abs, { throwIfNoEntry: false })?.isFile()) return null;
    const text = readInput(abs);
    // gitseal's markers are a cheap first test; only text that has them is parsed.
    if (!looksEncrypted(text)) return matched ? notEncrypted(rel) : null;
    if (!matched && !holdsEncryptedDocument(text)) return null;
    return { ...verifyText(abs, text, identities, baseline), file: rel };
  } catch (e) {
    return { file: rel, ok: false, documents: [], problems: [problemOf(e)] };
  }
}

/**
 * Verifies the tracked files of the repository holding `cwd` (or those under
 * `paths`), and its `.gitseal.yaml` files against `baseRef` (HEAD when
 * undefined). Throws E_USAGE outside a git work tree or for a base that is
 * not a commit, and E_CONFIG for an invalid `.gitseal.yaml` (once, not once
 * per file); every per-file problem is in the report instead.
 */
export async function verifyRepo(cwd: string, paths: readonly string[], identities: readonly Identity[] | null, baseRef?: string): Promise<RepoReport> {
  const { top, files: tracked } = await trackedFiles(cwd, paths);
  const baseline = await configBaseline(top, baseRef);
  const configIn = configPerFolder();
  const files: FileReport[] = [];
  for (const rel of tracked) {
    const abs = join(top, rel);
    const report = checkTracked(abs, rel, policyFor(configIn(dirname(abs)), abs).matched, identities, baseline);
    if (report) files.push(report);
  }
  const config = baseline ? baseline.compare(baseline.configFolders()) : [];
  const failed = files.filter((f) => !f.ok).length;
  const unencrypted = files.filter((f) => f.problems.some((p) => p.code === 'E_NOT_ENCRYPTED')).length;
  return {
    ok: failed === 0 && config.length === 0,
    base: baseline?.base ?? null,
    summary: { tracked: tracked.length, checked: files.length, unencrypted, failed, config: config.length },
    config,
    files,
  };
}

export function describeSummary(s: RepoSummary, base: string | null): string {
  const verdict = s.failed === 0 ? 'all ok' : `${s.failed} failed${s.unencrypted ? ` (${s.unencrypted} not encrypted)` : ''}`;
  const config = s.config ? `; ${s.config} .gitseal.yaml ${s.config === 1 ? 'changes' : 'change'} who may write${base ? ` since ${base.slice(0, 12)}` : ''}` : '';
  return `${s.checked} of ${s.tracked} tracked files checked: ${verdict}${config}`;
}
