/**
 * `gitseal git merge BASE OURS THEIRS [PATH]`, the merge driver (git passes
 * %O %A %B %P and takes the result from %A; exit 0 is clean, 1 a conflict).
 *
 * - Neither side encrypted by gitseal: `git merge-file`, as git would.
 * - A key holder: core/review/merge.ts merges value by value and the result is
 *   re-sealed with ours' DEK, keeping the ciphertext of every value taken
 *   unchanged; a value changed differently on both sides is marked on its
 *   line alone (core/format/conflict-markers.ts) and the merge exits 1.
 * - Otherwise (no key, a rotation on one side, conflicting edits of the
 *   decrypted text, only one side encrypted, any error): both whole
 *   versions between conflict markers, exit 1. Nothing of either side is
 *   lost, and no plaintext is written anywhere but a RAM folder.
 */
import { fail, isGitsealError } from '../../core/errors.js';
import { isEncryptedText } from '../../core/review/commit-guard.js';
import { planMerge, type MergePlan } from '../../core/review/merge.js';
import { markEntryConflicts, wholeFileConflict } from '../../core/format/conflict-markers.js';
import { formatPath } from '../../core/format/plain-document.js';
import type { Identity } from '../../core/crypto/recipients/types.js';
import type { OpenedDocument } from '../../core/format/seal.js';
import type { Scope } from '../../core/format/scope.js';
import { encryptStream, openStream, renderOpened } from '../../core/format/stream.js';
import { driverIdentities } from '../driver-keys.js';
import { readInput, writeAtomic } from '../files.js';
import { policyOf, recipientsOf } from '../open-file.js';
import { mergeFilesInPlace, mergeTextInMemory } from '../text-merge.js';
import type { GitMergeOptions } from './git-merge.command.js';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';
import { checkWriters, finishSigning, writerSigner } from '../writer.js';
import { parseEncrypted } from '../../core/format/encrypted-store.js';

interface Sides {
  readonly base: string;
  readonly ours: string;
  readonly theirs: string;
}

type Outcome = { readonly text: string; readonly conflicts: string[] } | { readonly whole: string };

export async function run(opts: GitMergeOptions): Promise<number> {
  const { base: basePath, ours: oursPath, theirs: theirsPath } = opts;
  // Unreachable: the usage line demands all three; the check tells the compiler so.
  if (basePath === undefined || oursPath === undefined || theirsPath === undefined) return fail('E_USAGE', 'git merge takes BASE OURS THEIRS [PATH]');
  const name = opts.path ?? oursPath;
  const say = (line: string) => process.stderr.write(`gitseal merge: ${name}: ${line}\n`);
  const sides: Sides = { base: readInput(basePath), ours: readInput(oursPath), theirs: readInput(theirsPath) };
  const encrypted = [isEncryptedText(sides.ours), isEncryptedText(sides.theirs)];
  if (!encrypted[0] && !encrypted[1]) return mergeFilesInPlace(basePath, oursPath, theirsPath) ? 0 : EXIT_CHECK_FAILED;

  let outcome: Outcome;
  if (!encrypted[0] || !encrypted[1]) outcome = { whole: 'only one side is encrypted by gitseal' };
  else {
    try {
      outcome = await mergeEncrypted(sides, name, opts.key);
    } catch (e) {
      outcome = { whole: isGitsealError(e) ? `${e.message} [${e.code}]` : `internal error (${e instanceof Error ? e.name : typeof e}); this is a bug` };
    }
  }

  if ('whole' in outcome) {
    writeAtomic(oursPath, wholeFileConflict(sides.ours, sides.theirs));
    say(`not merged (${outcome.whole}); both versions are in the file between conflict markers: keep one with "git checkout --ours|--theirs", then redo the other side's change`);
    return EXIT_CHECK_FAILED;
  }
  writeAtomic(oursPath, outcome.text);
  if (outcome.conflicts.length === 0) {
    say('merged value by value');
    return 0;
  }
  say(`conflict on ${outcome.conflicts.join(', ')} (changed on both sides); the rest is merged. Resolve with "gitseal edit ${name}"`);
  return EXIT_CHECK_FAILED;
}

async function mergeEncrypted(sides: Sides, name: string, keyFile: string | undefined): Promise<Outcome> {
  const identities = await driverIdentities(keyFile);
  if (!identities) return { whole: 'no key at hand (set GITSEAL_KEY_FILE, and GITSEAL_PASSPHRASE for a sealed keystore)' };
  // The merge is signed by whoever runs it: a side whose writer the user does not accept is not merged into it.
  const policy = policyOf(name);
  checkWriters(`${name} (ours)`, parseEncrypted(sides.ours).docs, policy);
  checkWriters(`${name} (theirs)`, parseEncrypted(sides.theirs).docs, policy);
  const ours = openStream(sides.ours, identities).opened;
  const theirs = openStream(sides.theirs, identities).opened;
  const plan = planMerge({ base: openBase(sides.base, identities), ours, theirs }, mergeTextInMemory);
  if (plan.kind === 'conflict') return { whole: plan.reason };

  const sealed = await finishSigning(seal(plan, name, ours), policy);
  const check = renderOpened(openStream(sealed, identities).opened);
  if (check !== plan.plaintext) return { whole: 'the re-sealed file does not decrypt to the merge; this is a bug' };
  if (plan.conflicts.length === 0) return { text: sealed, conflicts: [] };
  const marked = markEntryConflicts(sealed, plan.conflicts);
  if (marked === null) return { whole: 'the merged document needed a new data key, so its conflicting values cannot be marked' };
  return { text: marked, conflicts: plan.conflicts.map((c) => formatPath(c.path)) };
}

/** The base, opened when possible; without one (both sides added the file, or it does not open) every key counts as added. */
function openBase(text: string, identities: readonly Identity[]): OpenedDocument[] {
  if (!isEncryptedText(text)) return [];
  try {
    return openStream(text, identities).opened;
  } catch {
    return [];
  }
}

function seal(plan: Extract<MergePlan, { kind: 'merged' }>, name: string, ours: readonly OpenedDocument[]): string {
  const policy = policyOf(name);
  return encryptStream(plan.plaintext, {
    recipients: recipientsOf(undefined, policy),
    scope: scopeOf(ours) ?? policy.scope,
    readablePaths: policy.readablePaths,
    previous: plan.previous,
    keepRecipients: true,
    signer: writerSigner(policy),
  });
}

/**
 * The scope ours' Secrets were sealed with, when they agree: a merge keeps
 * it (and so the DEK) even where `.gitseal.yaml` says otherwise.
 */
function scopeOf(opened: readonly OpenedDocument[]): Scope | undefined {
  const scopes = new Set(opened.filter((o) => o.doc.mode === 'secret').map((o) => o.doc.scope));
  return scopes.size === 1 ? [...scopes][0] : undefined;
}
