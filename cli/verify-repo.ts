/**
 * `gitseal verify --all`: the repository's tracked files. A file a creation
 * rule in `.gitseal.yaml` matches must be encrypted; every encrypted file
 * must verify. Other files are skipped, most without being read: only
 * matched files and YAML/JSON files that carry gitseal's markers are parsed.
 * Every `.gitseal.yaml` of the repository is compared with the base revision
 * (cli/verify-config.ts), whatever the paths, so a pull request that only
 * adds a writer is flagged too.
 *
 * With `review` (verify --all --base REV --review, as the pull-request review
 * action runs it) the creation rules, recipients and writers come from the
 * base's `.gitseal.yaml` files, copied into a temporary folder, so a pull
 * request cannot switch off its own checks by editing them; and any tracked
 * file holding a plaintext `kind: Secret` fails, whatever the rules say.
 */
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { looksEncrypted } from '../core/review/diff-file.js';
import { isEncryptedObject } from '../core/format/encrypted-document.js';
import { detectFormat } from '../core/format/encrypted-store.js';
import { MAX_ALIAS_COUNT } from '../core/format/yaml-store.js';
import type { Identity } from '../core/crypto/recipients/types.js';
import { isRecord } from '../core/is-record.js';
import { configPerFolder, policyFor } from './config.js';
import { readInput } from './files.js';
import { trackedFiles } from './tracked-files.js';
import { configBaseline, type ConfigBaseline, type ConfigReport } from './verify-config.js';
import { problemOf, verifyText, type FileReport } from './verify-file.js';
import { progress } from './progress.js';

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

const notEncrypted = (file: string, why = 'a creation rule in .gitseal.yaml matches it'): FileReport => ({
  file,
  ok: false,
  documents: [],
  // The file's name only: its content is plaintext that should never have been committed.
  problems: [{ code: 'E_NOT_ENCRYPTED', message: `not encrypted, but ${why}: run "gitseal encrypt -i ${file}"` }],
});

/** `kind: Secret` somewhere in the text: the cheap test before parsing (YAML, or JSON's quoted keys). */
const MENTIONS_SECRET = /\bkind["']?\s*:\s*["']?Secret\b/;

/** True when some document of `text` (YAML or JSON) is a Kubernetes Secret. False for text that does not parse. */
function holdsPlaintextSecret(text: string): boolean {
  if (!MENTIONS_SECRET.test(text)) return false;
  try {
    const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
    if (!Array.isArray(docs)) return false;
    return docs.some((d) => {
      try {
        const v: unknown = d.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
        return isRecord(v) && v.kind === 'Secret';
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * Where the rules come from: the work tree (`base` null), or the base's `.gitseal.yaml` files copied
 * under `base`, where `abs` is looked up at the same path from the top.
 */
interface RuleSource {
  readonly base: string | null;
}

const ruleFile = (src: RuleSource, abs: string, rel: string): string => (src.base ? join(src.base, rel) : abs);

/** The report for one tracked file, or null when it is none of verify's business. Never throws. */
function checkTracked(abs: string, rel: string, src: RuleSource, matched: boolean, identities: readonly Identity[] | null, baseline: ConfigBaseline | null): FileReport | null {
  try {
    const review = src.base !== null;
    if (!matched && !DATA_FILE.test(rel)) return null;
    // Deleted from the work tree, a submodule or a symlink: nothing of ours to read here.
    if (!lstatSync(abs, { throwIfNoEntry: false })?.isFile()) return null;
    const text = readInput(abs);
    // gitseal's markers are a cheap first test; only text that has them is parsed.
    if (!looksEncrypted(text)) {
      if (matched) return notEncrypted(rel, `a creation rule in .gitseal.yaml${review ? ' at the base' : ''} matches it`);
      return review && holdsPlaintextSecret(text) ? notEncrypted(rel, 'it holds a kind: Secret') : null;
    }
    if (!matched && !holdsEncryptedDocument(text)) return null;
    // Under review the file's policy and writers are looked up in the base's copy (the baseline is then the same).
    return review ? { ...verifyText(ruleFile(src, abs, rel), text, identities, null), file: rel } : { ...verifyText(abs, text, identities, baseline), file: rel };
  } catch (e) {
    return { file: rel, ok: false, documents: [], problems: [problemOf(e)] };
  }
}

/**
 * Verifies the tracked files of the repository holding `cwd` (or those under
 * `paths`), and its `.gitseal.yaml` files against `baseRef` (HEAD when
 * undefined); with `review`, by the base's rules (see above). Throws E_USAGE
 * outside a git work tree or for a base that is not a commit, and E_CONFIG
 * for an invalid `.gitseal.yaml` (once, not once per file); every per-file
 * problem is in the report instead.
 */
export async function verifyRepo(cwd: string, paths: readonly string[], identities: readonly Identity[] | null, baseRef?: string, review = false): Promise<RepoReport> {
  const { top, files: tracked } = await trackedFiles(cwd, paths);
  const baseline = await configBaseline(top, baseRef);
  const configIn = configPerFolder();
  const files: FileReport[] = [];
  // Only .gitseal.yaml files (public recipients, rules, writer keys) are copied: nothing secret.
  const src: RuleSource = { base: review && baseline ? mkdtempSync(join(tmpdir(), 'gitseal-base-config-')) : null };
  try {
    if (src.base) await baseline!.materialise(src.base);
    const tick = progress('verifying');
    for (const [n, rel] of tracked.entries()) {
      const abs = join(top, rel);
      const rules = ruleFile(src, abs, rel);
      const report = checkTracked(abs, rel, src, policyFor(configIn(dirname(rules)), rules).matched, identities, baseline);
      if (report) files.push(report);
      tick(n + 1, tracked.length);
    }
  } finally {
    if (src.base) rmSync(src.base, { recursive: true, force: true });
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
