/**
 * Semantic diff of two versions of an encrypted file's documents (`gitseal
 * diff`, README.md "Reviewing a change to a secret"): which values changed,
 * were added or removed, what happened to recipients, scope, layout and
 * the data key, and who signed each version (a writer that changed is the
 * mark of a document re-encrypted by someone else, schemas/FORMAT.md §13).
 *
 * Without a key the comparison is by name token and ciphertext: gitseal
 * keeps an unchanged value's ciphertext byte for byte and a key path's token
 * is deterministic under one data key, so counts are exact, yet no key name
 * or value is ever learnt. With a key the changed entries alone are opened
 * (`openSome`), shown by key path and a keyed fingerprint (`fingerprint`).
 * Documents are matched like `matchPrevious` pairs them when re-encrypting:
 * Secrets by namespace and name, other documents by position.
 */
import { equalBytes, wipe } from '../bytes.js';
import { keyedChanges, keylessChanges, listWithKey, type EntryComparison, type ValueChange, type ValueCounts, type ValueSide } from './diff-entries.js';

export type { ValueChange, ValueCounts, ValueSide };
import { bindingOf, readableCanonical, type EncryptedDocument, type Mode } from '../format/encrypted-document.js';
import { isGitsealError } from '../errors.js';
import type { Identity } from '../crypto/recipients/types.js';
import type { TrustedWriter } from '../crypto/writer-key.js';
import type { Scope } from '../format/scope.js';
import { unwrapDek } from '../format/seal.js';
import { checkSignature, type SignatureCheck } from '../format/signature.js';

export { fingerprint } from './fingerprint.js';

export interface DiffOptions {
  /** Identities that may open the documents; null compares by token and ciphertext only. */
  readonly identities: readonly Identity[] | null;
  /** Put each changed value's plaintext in the report. A document no identity opens is then E_NO_KEY. */
  readonly showValues?: boolean;
  /** The reader's trusted writers (their own configuration): who signed each version. None: every signature is untrusted. */
  readonly trusted?: readonly TrustedWriter[];
  /**
   * Writer keys named elsewhere (`.gitseal.yaml`), never trusted for that: a signature that claims
   * one of their kids and does not verify under it is reported `invalid`, since a kid names one key.
   */
  readonly declared?: readonly TrustedWriter[];
}

/** One version of a value, shown without its plaintext unless values were asked for. */
/** Recipient kids (public) that appear, disappear, or keep their kid with a new wrap. */
export interface RecipientChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly rewrapped: readonly string[];
}

export type DocumentStatus = 'unchanged' | 'modified' | 'added' | 'removed';

/** Who signed each version (schemas/FORMAT.md §13); null for the side a document is absent from. */
export interface WriterChange {
  readonly before: SignatureCheck | null;
  readonly after: SignatureCheck | null;
  /** Both versions exist and are not signed by the same kid and subject (or one is unsigned): the change to look at first. */
  readonly changed: boolean;
}

export interface DocumentDiff {
  /** `namespace/name` of a Secret, else `document N` (1-based, in its file). */
  readonly label: string;
  readonly mode: Mode;
  readonly status: DocumentStatus;
  /** `key`: opened with a key (paths, fingerprints); `token`: compared by name token and ciphertext. */
  readonly by: 'key' | 'token';
  readonly values: { readonly before: number; readonly after: number };
  /** null when unknown: without a key, a new data key gives every entry a new token. */
  readonly counts: ValueCounts | null;
  readonly recipients: RecipientChanges;
  readonly scope: { readonly before: Scope; readonly after: Scope } | null;
  /** Comments, key order or formatting (or the set of keys); null when unknown. */
  readonly layoutChanged: boolean | null;
  /** Generic mode: the readable fields, which are in clear anyway. */
  readonly readableChanged: boolean;
  /** Re-encrypted with a new data key (rotate, a scope change, or encrypted afresh). */
  readonly newDataKey: boolean;
  /** Whether a value's fingerprints in the two versions can be compared (same DEK); null without a key. */
  readonly fingerprints: 'comparable' | 'not-comparable' | null;
  readonly changes: readonly ValueChange[];
  readonly writer: WriterChange;
  readonly note?: string;
}

/**
 * Compares the documents of two versions of a file. Pure apart from the
 * identities' unwrapping. Throws E_TAMPERED when a document a key opens
 * fails its MAC, E_NO_KEY when values were asked for and no identity opens
 * a changed document; E_FORMAT for a malformed stanza or ciphertext.
 */
export function diffDocuments(before: readonly EncryptedDocument[], after: readonly EncryptedDocument[], opts: DiffOptions): DocumentDiff[] {
  return matchDocuments(before, after).map(([i, j]) => {
    if (i === null) return wholeDocument(after[j!]!, j!, 'added', opts);
    if (j === null) return wholeDocument(before[i]!, i, 'removed', opts);
    return comparePair(before[i]!, after[j]!, j, opts);
  });
}

/** Index pairs [before, after], in after's order, then the removed documents. */
export function matchDocuments(before: readonly EncryptedDocument[], after: readonly EncryptedDocument[]): Array<[number | null, number | null]> {
  const taken = new Set<number>();
  const secrets = new Map<string, number[]>();
  before.forEach((d, i) => {
    if (d.mode === 'secret') secrets.set(identityKey(d), [...(secrets.get(identityKey(d)) ?? []), i]);
  });
  const pairs: Array<[number | null, number | null]> = after.map((d, j) => {
    if (d.mode === 'secret') {
      const i = secrets.get(identityKey(d))?.find((k) => !taken.has(k));
      if (i === undefined) return [null, j];
      taken.add(i);
      return [i, j];
    }
    return [null, j];
  });
  for (const p of pairs) {
    const j = p[1]!;
    if (p[0] !== null || after[j]!.mode !== 'generic' || before[j]?.mode !== 'generic' || taken.has(j)) continue;
    taken.add(j);
    p[0] = j;
  }
  before.forEach((_, i) => {
    if (!taken.has(i)) pairs.push([i, null]);
  });
  return pairs;
}

const identityKey = (d: EncryptedDocument): string => JSON.stringify([d.identity.namespace ?? null, d.identity.name ?? null]);

function labelOf(d: EncryptedDocument, index: number): string {
  const { name, namespace } = d.identity;
  if (d.mode === 'secret' && name !== undefined) return namespace === undefined ? name : `${namespace}/${name}`;
  return `document ${index + 1}`;
}

/** True when the two documents are the same on disk (field by field), so nothing needs opening. */
export function sameDocument(a: EncryptedDocument, b: EncryptedDocument): boolean {
  return (
    a.mode === b.mode &&
    a.scope === b.scope &&
    a.layout === b.layout &&
    a.identity.name === b.identity.name &&
    a.identity.namespace === b.identity.namespace &&
    equalBytes(a.envelope.docId, b.envelope.docId) &&
    equalBytes(a.envelope.mac, b.envelope.mac) &&
    readableCanonical(a) === readableCanonical(b) &&
    a.entries.length === b.entries.length &&
    a.entries.every(([t, c], k) => b.entries[k]![0] === t && b.entries[k]![1] === c) &&
    sameStanzas(a, b)
  );
}

const sameStanzas = (a: EncryptedDocument, b: EncryptedDocument): boolean => {
  const sa = a.envelope.recipients;
  const sb = b.envelope.recipients;
  return sa.length === sb.length && sa.every((s, k) => s.kid === sb[k]!.kid && s.alg === sb[k]!.alg && s.enc === sb[k]!.enc && s.dek === sb[k]!.dek);
};

const sameSignature = (a: EncryptedDocument, b: EncryptedDocument): boolean => {
  const sa = a.envelope.signature;
  const sb = b.envelope.signature;
  return sa === sb || (sa !== undefined && sb !== undefined && sa.kid === sb.kid && sa.subject === sb.subject && equalBytes(sa.bytes, sb.bytes));
};

/**
 * Who signed `doc`, against the reader's trust. A signature under a kid the
 * reader does not trust but `.gitseal.yaml` declares is still checked with
 * that key: it cannot tell who wrote it, but it can tell a forged one.
 */
export function writerOf(doc: EncryptedDocument, opts: Pick<DiffOptions, 'trusted' | 'declared'>): SignatureCheck {
  const check = checkSignature(doc, opts.trusted ?? []);
  if (check.status !== 'untrusted') return check;
  const declared = (opts.declared ?? []).filter((w) => w.key.kid === check.kid);
  return declared.length && checkSignature(doc, declared).status === 'invalid' ? { status: 'invalid', kid: check.kid, subject: check.subject } : check;
}

const signer = (c: SignatureCheck): string | null => (c.status === 'unsigned' ? null : `${c.kid}\n${c.subject}`);

function writerChange(a: EncryptedDocument | null, b: EncryptedDocument | null, opts: DiffOptions): WriterChange {
  const before = a && writerOf(a, opts);
  const after = b && writerOf(b, opts);
  return { before, after, changed: before !== null && after !== null && signer(before) !== signer(after) };
}

/**
 * Every stanza kept byte for byte, with the same document id and scope
 * binding (the wrap's AAD): both versions wrap the same DEK. The after
 * version's MAC is still checked with it.
 */
const sameWrapping = (a: EncryptedDocument, b: EncryptedDocument): boolean =>
  equalBytes(a.envelope.docId, b.envelope.docId) && bindingOf(a) === bindingOf(b) && sameStanzas(a, b);

function recipientChanges(a: EncryptedDocument | null, b: EncryptedDocument | null): RecipientChanges {
  const before = new Map((a?.envelope.recipients ?? []).map((s) => [s.kid, s]));
  const after = new Map((b?.envelope.recipients ?? []).map((s) => [s.kid, s]));
  return {
    added: [...after.keys()].filter((k) => !before.has(k)),
    removed: [...before.keys()].filter((k) => !after.has(k)),
    rewrapped: [...after].filter(([k, s]) => before.has(k) && (before.get(k)!.enc !== s.enc || before.get(k)!.dek !== s.dek)).map(([k]) => k),
  };
}

/**
 * Without a key: did the data key stay? A recipient stanza kept byte for
 * byte, or one name token in common, proves it did (a token is a function of
 * the DEK); a new document id or scope binding, or entries on both sides
 * with no token in common, shows it did not.
 */
export function sameDekWithoutKey(a: EncryptedDocument, b: EncryptedDocument): boolean {
  // A new scope binding or mode always brings a new DEK (FORMAT.md §4), as does a new document id.
  if (!equalBytes(a.envelope.docId, b.envelope.docId) || bindingOf(a) !== bindingOf(b) || a.mode !== b.mode) return false;
  const stanzas = new Set(a.envelope.recipients.map((s) => `${s.kid}\n${s.enc}\n${s.dek}`));
  if (b.envelope.recipients.some((s) => stanzas.has(`${s.kid}\n${s.enc}\n${s.dek}`))) return true;
  const tokens = new Set(a.entries.map(([t]) => t));
  if (b.entries.some(([t]) => tokens.has(t))) return true;
  if (a.entries.length > 0 && b.entries.length > 0) return false;
  // No entries to tell by: a kid on both sides with a new wrap means a new DEK.
  const kids = new Set(a.envelope.recipients.map((s) => s.kid));
  return !b.envelope.recipients.some((s) => kids.has(s.kid));
}

/** The DEK of `doc` from the identities at hand; null when there are none or none opens it (unless values are wanted). */
function dekOf(doc: EncryptedDocument, opts: DiffOptions): Uint8Array | null {
  if (!opts.identities) return null;
  try {
    return unwrapDek(doc, opts.identities);
  } catch (e) {
    if (isGitsealError(e, 'E_NO_KEY') && !opts.showValues) return null;
    throw e;
  }
}

function comparePair(a: EncryptedDocument, b: EncryptedDocument, index: number, opts: DiffOptions): DocumentDiff {
  const common = {
    recipients: recipientChanges(a, b),
    scope: a.scope === b.scope ? null : { before: a.scope, after: b.scope },
    readableChanged: readableCanonical(a) !== readableCanonical(b),
    writer: writerChange(a, b, opts),
  };
  const head = { label: labelOf(b, index), mode: b.mode };
  const values = { before: a.entries.length, after: b.entries.length };
  if (sameDocument(a, b)) {
    // An unchanged MAC keeps its signature (seal.ts): a new one over the same document is someone signing it anew.
    const status = sameSignature(a, b) ? 'unchanged' : 'modified';
    const counts = { changed: 0, added: 0, removed: 0 };
    return { ...head, status, by: 'token', values, counts, ...common, layoutChanged: false, newDataKey: false, fingerprints: null, changes: [] };
  }
  const deka = dekOf(a, opts);
  // Kept stanzas under the same binding wrap the same DEK: one unwrap (an ML-KEM decapsulation) instead of two.
  const dekb = deka && sameWrapping(a, b) ? deka.slice() : deka ? dekOf(b, opts) : null;
  let found: EntryComparison;
  let by: 'key' | 'token' = 'token';
  let note: string | undefined;
  try {
    if (deka && dekb) {
      found = keyedChanges(a, deka, b, dekb, opts.showValues === true);
      by = 'key';
    } else {
      found = keylessChanges(a, b, sameDekWithoutKey(a, b));
      if (opts.identities) note = `no key at hand opens the ${deka ? 'after' : 'before'} version: compared by token`;
    }
  } finally {
    if (deka) wipe(deka);
    if (dekb) wipe(dekb);
  }
  const changed =
    found.newDataKey ||
    found.counts === null ||
    found.counts.changed + found.counts.added + found.counts.removed > 0 ||
    found.layoutChanged === true ||
    common.scope !== null ||
    common.readableChanged ||
    !sameSignature(a, b) ||
    common.recipients.added.length + common.recipients.removed.length + common.recipients.rewrapped.length > 0;
  // Without a key, a MAC that changed alone (no entry, layout or recipient did) is news: a key holder should verify it.
  if (!changed && by === 'token' && !equalBytes(a.envelope.mac, b.envelope.mac)) note = [note, 'only the MAC changed: check it with "gitseal verify" and the key'].filter(Boolean).join('; ');
  const fingerprints = by === 'key' ? (found.newDataKey ? 'not-comparable' : 'comparable') : null;
  const { counts, layoutChanged, newDataKey, changes } = found;
  return { ...head, status: changed || note !== undefined ? 'modified' : 'unchanged', by, values, counts, ...common, layoutChanged, newDataKey, fingerprints, changes, ...(note ? { note } : {}) };
}

/** A document on one side only: every value added (or removed). */
function wholeDocument(doc: EncryptedDocument, index: number, status: 'added' | 'removed', opts: DiffOptions): DocumentDiff {
  const n = doc.entries.length;
  const dek = dekOf(doc, opts);
  let changes: ValueChange[] = [];
  if (dek) {
    try {
      changes = listWithKey(doc, dek, status, opts.showValues === true);
    } finally {
      wipe(dek);
    }
  }
  return {
    label: labelOf(doc, index),
    mode: doc.mode,
    status,
    by: dek ? 'key' : 'token',
    values: status === 'added' ? { before: 0, after: n } : { before: n, after: 0 },
    counts: status === 'added' ? { changed: 0, added: n, removed: 0 } : { changed: 0, added: 0, removed: n },
    recipients: status === 'added' ? recipientChanges(null, doc) : recipientChanges(doc, null),
    scope: null,
    layoutChanged: null,
    readableChanged: false,
    newDataKey: false,
    fingerprints: dek ? 'comparable' : null,
    changes,
    writer: status === 'added' ? writerChange(null, doc, opts) : writerChange(doc, null, opts),
    ...(opts.identities && !dek ? { note: 'no key at hand opens it: counted by token' } : {}),
  };
}
