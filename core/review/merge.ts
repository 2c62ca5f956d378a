/**
 * Three-way merge of encrypted files at the value level, for the git merge
 * driver (`gitseal git merge`). Works on opened documents, so the caller
 * holds the key; returns the merged plaintext plus, per document, an opened
 * "previous" version to seal it with (`encryptStream(plaintext, { previous,
 * keepRecipients: true })`): ours' DEK and document id, the ciphertext of
 * every value taken unchanged from either side, recipients merged three-way.
 *
 * The rules, per document (matched by document id):
 *  - ours and theirs have different DEKs (someone ran `gitseal rotate`):
 *    no merge, a whole-file conflict. Re-encrypting one side's values under
 *    the other's DEK would silently undo the rotation.
 *  - the layout (keys, comments, order) changed on at most one side, or
 *    identically on both: take that layout and merge values key by key. A
 *    key changed on one side takes that side's value (and its ciphertext);
 *    changed differently on both sides, it is an entry conflict: the merged
 *    file keeps ours' value and `EntryConflict` names theirs' ciphertext,
 *    for `markEntryConflicts` to put beside it.
 *  - both sides changed the layout differently, a key was changed on one
 *    side and removed on the other, or documents were added, removed or
 *    reordered: a line-based merge of the decrypted texts (`TextMerge`,
 *    which the CLI runs in memory); clean → re-encrypted, else a conflict.
 */
import { b64url, equalBytes } from '../bytes.js';
import { encodePath, type Path } from '../format/name-tokens.js';
import { renderChunks } from '../format/plain-document.js';
import type { RecipientStanza } from '../crypto/recipients/types.js';
import { openedLeaves, type OpenedDocument } from '../format/seal.js';
import { renderOpened } from '../format/stream.js';

export interface TextMergeResult {
  readonly clean: boolean;
  readonly text: string;
}
/** A line-based three-way merge of plaintexts; must not write them to persistent disk. */
export type TextMerge = (base: string, ours: string, theirs: string) => TextMergeResult;

export interface MergeSides {
  /** The common ancestor; empty when there is none (both sides added the file). */
  readonly base: readonly OpenedDocument[];
  readonly ours: readonly OpenedDocument[];
  readonly theirs: readonly OpenedDocument[];
}

/** One value changed differently on both sides. */
export interface EntryConflict {
  readonly token: string;
  readonly path: Path;
  /** Ours' ciphertext: the one the merged file carries (and its MAC covers). */
  readonly ours: string;
  readonly theirs: string;
}

export type MergePlan =
  | {
      readonly kind: 'merged';
      /** 'values': merged key by key; 'text': by a line merge of the decrypted texts. */
      readonly how: 'values' | 'text';
      readonly plaintext: string;
      /** Per merged document, what to seal it with; for `encryptStream`'s `previous`. */
      readonly previous: OpenedDocument[];
      /** Empty for a clean merge. */
      readonly conflicts: EntryConflict[];
    }
  | { readonly kind: 'conflict'; readonly reason: string };

const idOf = (o: OpenedDocument): string => b64url(o.doc.envelope.docId);

/** Plans the merge; never throws for content reasons (a plan of kind 'conflict' says why). */
export function planMerge(sides: MergeSides, mergeText: TextMerge): MergePlan {
  const { base, ours, theirs } = sides;
  const baseById = new Map(base.map((b) => [idOf(b), b]));
  const theirsById = new Map(theirs.map((t) => [idOf(t), t]));
  for (const [i, o] of ours.entries()) {
    const t = theirsById.get(idOf(o));
    if (t && !equalBytes(o.dek, t.dek))
      return { kind: 'conflict', reason: `document ${i + 1} has a new data key on one side ("gitseal rotate", or a new name, namespace or scope); merging values would undo that` };
  }

  const sameDocuments = ours.length === theirs.length && ours.every((o, i) => idOf(o) === idOf(theirs[i]!));
  if (sameDocuments) {
    const merged = ours.map((o, i) => mergeDocument(baseById.get(idOf(o)), o, theirs[i]!));
    if (merged.every((m): m is DocumentMerge => m !== null)) {
      return {
        kind: 'merged',
        how: 'values',
        plaintext: merged.map((m) => m.plaintext).join(''),
        previous: merged.map((m) => m.previous),
        conflicts: merged.flatMap((m) => m.conflicts),
      };
    }
  }

  const text = mergeText(renderOpened(base), renderOpened(ours), renderOpened(theirs));
  if (!text.clean) return { kind: 'conflict', reason: 'both sides changed the same lines of the decrypted text' };
  const previous = ours.map((o) => {
    const t = theirsById.get(idOf(o));
    return t ? withRecipients(o, mergeRecipients(baseById.get(idOf(o)), o, t)) : o;
  });
  return { kind: 'merged', how: 'text', plaintext: text.text, previous, conflicts: [] };
}

interface DocumentMerge {
  readonly plaintext: string;
  readonly previous: OpenedDocument;
  readonly conflicts: EntryConflict[];
}

interface Entry {
  readonly path: Path;
  readonly raw: string;
  readonly token: string;
  readonly sealed: string;
}

function entriesOf(o: OpenedDocument): Entry[] {
  return openedLeaves(o).map((leaf, i) => {
    const [token, sealed] = o.doc.entries[i]!;
    return { path: leaf.path, raw: leaf.raw, token, sealed };
  });
}

/** Keys, comments, order: everything but the values. */
const shapeOf = (o: OpenedDocument, entries: readonly Entry[]): string => JSON.stringify([o.chunks, entries.map((e) => encodePath(e.path))]);

const byPath = (entries: readonly Entry[]): Map<string, Entry> => new Map(entries.map((e) => [encodePath(e.path), e]));

/** Merges one document key by key; null when only a text merge can do it. */
function mergeDocument(b: OpenedDocument | undefined, o: OpenedDocument, t: OpenedDocument): DocumentMerge | null {
  const eo = entriesOf(o);
  const et = entriesOf(t);
  const eb = b ? entriesOf(b) : [];
  const shapeO = shapeOf(o, eo);
  const shapeT = shapeOf(t, et);
  const shapeB = b ? shapeOf(b, eb) : undefined;
  let layoutFrom: 'ours' | 'theirs';
  if (shapeO === shapeT || shapeT === shapeB) layoutFrom = 'ours';
  else if (shapeO === shapeB) layoutFrom = 'theirs';
  else return null;

  const [lo, layoutEntries, other] = layoutFrom === 'ours' ? [o, eo, et] : [t, et, eo];
  const mb = byPath(eb);
  const mo = byPath(eo);
  const mt = byPath(et);

  // A key the layout side removed must be unchanged on the other side, else it is a modify/delete conflict.
  const kept = new Set(layoutEntries.map((e) => encodePath(e.path)));
  for (const e of other) if (!kept.has(encodePath(e.path)) && mb.get(encodePath(e.path))?.raw !== e.raw) return null;

  const entries: Array<[string, string]> = [];
  const raws: string[] = [];
  const conflicts: EntryConflict[] = [];
  for (const e of layoutEntries) {
    const key = encodePath(e.path);
    const base = mb.get(key)?.raw;
    const ours = mo.get(key);
    const theirs = mt.get(key);
    let pick: Entry | undefined;
    if (ours && theirs && ours.raw === theirs.raw) pick = ours;
    else if (ours?.raw === base) pick = theirs;
    else if (theirs?.raw === base) pick = ours;
    else if (ours && theirs && ours.token === theirs.token) {
      pick = ours;
      conflicts.push({ token: ours.token, path: e.path, ours: ours.sealed, theirs: theirs.sealed });
    }
    if (!pick) return null;
    entries.push([pick.token, pick.sealed]);
    raws.push(pick.raw);
  }

  const previous: OpenedDocument = {
    doc: { ...o.doc, layout: lo.doc.layout, entries, envelope: { ...o.doc.envelope, recipients: mergeRecipients(b, o, t) } },
    dek: o.dek,
    chunks: lo.chunks,
    raws,
  };
  return { plaintext: renderChunks(lo.chunks, raws), previous, conflicts };
}

/**
 * Recipients three-way, by kid: ours' stanzas, less those theirs removed
 * since the base, plus those theirs added. Every stanza wraps the same DEK
 * for the same document, so any of them is valid in the merged file.
 */
export function mergeRecipients(b: OpenedDocument | undefined, o: OpenedDocument, t: OpenedDocument): RecipientStanza[] {
  const kids = (d: OpenedDocument | undefined) => new Set(d ? d.doc.envelope.recipients.map((r) => r.kid) : []);
  const inBase = kids(b);
  const inOurs = kids(o);
  const inTheirs = kids(t);
  const merged = [
    ...o.doc.envelope.recipients.filter((r) => inTheirs.has(r.kid) || !inBase.has(r.kid)),
    ...t.doc.envelope.recipients.filter((r) => !inBase.has(r.kid) && !inOurs.has(r.kid)),
  ];
  return merged.length ? merged : [...o.doc.envelope.recipients];
}

function withRecipients(o: OpenedDocument, recipients: RecipientStanza[]): OpenedDocument {
  return { ...o, doc: { ...o.doc, envelope: { ...o.doc.envelope, recipients } } };
}
