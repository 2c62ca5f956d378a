/**
 * Sealing and opening one document: values, names, layout, DEK wraps and
 * MAC. Pure apart from randomness, which comes from `SealOptions.random`
 * (node:crypto by default).
 */
import { defaultRandom, draw, equalBytes, wipe, type RandomSource } from '../bytes.js';
import { fail } from '../errors.js';
import { bindingOf, DOC_ID_LENGTH, ENVELOPE_VERSION, readableCanonical, type EncryptedDocument, type FileBinding, type Mode } from './encrypted-document.js';
import { canonicalEntries, inDocumentOrder, layoutText, parseLayout } from './layout.js';
import { computeMac, macMatches } from './mac.js';
import { NameCipher } from './name-tokens.js';
import type { Leaf, PlainDocument } from './plain-document.js';
import type { Identity, Recipient, RecipientStanza, WrapContext } from '../crypto/recipients/types.js';
import { unwrapWithAny } from '../crypto/recipients/index.js';
import type { ObjectIdentity, Scope } from './scope.js';
import { deriveSubkeys } from '../crypto/subkeys.js';
import { LAYOUT_SLOT, NoncePool, openValues, sealValues, type ValueToSeal } from './values.js';

export const DEK_LENGTH = 32;

export interface SealInput {
  readonly plain: PlainDocument;
  readonly mode: Mode;
  readonly identity: ObjectIdentity;
  readonly readable: Readonly<Record<string, unknown>>;
  readonly scope: Scope;
}

/** A document opened with its DEK: everything needed to re-seal it with stable ciphertexts. */
export interface OpenedDocument {
  readonly doc: EncryptedDocument;
  readonly dek: Uint8Array;
  readonly chunks: readonly string[];
  /** Plaintext of each entry, in entry order; `doc.entries` of an opened document are in document order. */
  readonly raws: readonly string[];
}

export interface SealOptions {
  readonly recipients: readonly Recipient[];
  /** The same document as it is now; unchanged values keep their ciphertext (schemas/FORMAT.md §4). */
  readonly previous?: OpenedDocument | undefined;
  /** A new DEK: every ciphertext changes (`gitseal rotate`). */
  readonly rotate?: boolean;
  /** Keep the previous document's recipients as they are (edit, set, unset); `recipients` then serves only new documents. */
  readonly keepRecipients?: boolean;
  /** Where the document stands in its file: bound by the MAC (schemas/FORMAT.md §2). */
  readonly file: FileBinding;
  /** A new document id and DEK even with a previous version (the first re-encryption of a copied file). */
  readonly newIds?: boolean;
  /** Source of the document id, DEK, nonces and DEK wraps; node:crypto when absent. Known-answer vectors pass a fixed stream. */
  readonly random?: RandomSource | undefined;
}

/** The file binding of a file's only document. */
export const onlyDocumentIn = (fileId: Uint8Array): FileBinding => ({ fileId, after: null, last: true });

export function sealDocument(input: SealInput, opts: SealOptions): EncryptedDocument {
  const prev = opts.newIds ? undefined : opts.previous;
  const random = opts.random ?? defaultRandom;
  const docId = prev?.doc.envelope.docId ?? draw(random, DOC_ID_LENGTH, 'document id');
  const binding = bindingOf(input);
  const reuse = prev !== undefined && !opts.rotate && bindingOf(prev.doc) === binding && prev.doc.mode === input.mode && !dropsRecipient(prev, opts);
  const dek = reuse ? prev.dek : draw(random, DEK_LENGTH, 'DEK');
  const keys = deriveSubkeys(dek, docId);
  const names = new NameCipher(keys.names, docId, input.plain.leaves.length);
  const nonces = new NoncePool(random);
  const b = { scopeBinding: binding, docId };

  const previousByToken = new Map<string, readonly [string, string]>();
  if (reuse) prev.doc.entries.forEach(([token, ct], i) => previousByToken.set(token, [prev.raws[i]!, ct]));

  // Unchanged values keep their ciphertext; the rest are sealed in one batch, layout last.
  const tokens = names.sealAll(input.plain.leaves.map((l) => l.path));
  const entries: Array<[string, string]> = [];
  const toSeal: ValueToSeal[] = [];
  const sealedAt: number[] = [];
  input.plain.leaves.forEach((leaf, i) => {
    const token = tokens[i]!;
    const old = previousByToken.get(token);
    if (old && old[0] === leaf.raw) entries.push([token, old[1]]);
    else {
      sealedAt.push(entries.length);
      entries.push([token, '']);
      toSeal.push({ slot: token, plain: leaf.raw });
    }
  });
  const layoutPlain = layoutText(input.plain.chunks, tokens);
  const keepLayout = reuse && layoutText(prev.chunks, prev.doc.entries.map(([t]) => t)) === layoutPlain;
  if (!keepLayout) toSeal.push({ slot: LAYOUT_SLOT, plain: layoutPlain });
  const sealed = sealValues(keys.values, b, toSeal, nonces);
  sealedAt.forEach((at, k) => (entries[at]![1] = sealed[k]!));
  const layout = keepLayout ? prev.doc.layout : sealed[sealed.length - 1]!;

  const recipients = reuse && opts.keepRecipients ? [...prev.doc.envelope.recipients] : wrapFor(opts.recipients, dek, b, reuse ? prev : undefined, opts.random);

  const partial = { mode: input.mode, identity: input.identity, readable: input.readable, scope: input.scope, layout, entries };
  const mac = computeMac(keys.mac, macInput(partial, binding, docId, opts.file, recipients));
  if (!reuse) wipe(dek);
  wipe(keys.values, keys.names, keys.mac);
  // The MAC covers all a signature covers, so an unchanged MAC keeps the writer who signed it.
  const signature = reuse && equalBytes(prev.doc.envelope.mac, mac) ? prev.doc.envelope.signature : undefined;
  return { ...partial, envelope: { version: ENVELOPE_VERSION, docId, file: opts.file, recipients, mac, signature } };
}

/**
 * True when a recipient of the previous version is not among the new ones. Its holder may have kept the
 * DEK, so the document gets a new one: every value is sealed again and old DEKs open nothing new.
 */
export function dropsRecipient(prev: OpenedDocument, opts: Pick<SealOptions, 'recipients' | 'keepRecipients'>): boolean {
  if (opts.keepRecipients) return false;
  const kept = new Set(opts.recipients.map((r) => r.kid));
  return prev.doc.envelope.recipients.some((s) => !kept.has(s.kid));
}

/** Wraps the DEK to each recipient once; a recipient the previous version already had keeps its stanza. */
function wrapFor(list: readonly Recipient[], dek: Uint8Array, ctx: WrapContext, prev: OpenedDocument | undefined, random: RandomSource | undefined): RecipientStanza[] {
  if (list.length === 0) fail('E_NO_RECIPIENTS', 'no recipients: pass -r RECIPIENT or add recipients to .gitseal.yaml ("gitseal init")');
  const old = new Map<string, RecipientStanza>(prev ? prev.doc.envelope.recipients.map((s) => [s.kid, s]) : []);
  const out = new Map<string, RecipientStanza>();
  for (const r of list) if (!out.has(r.kid)) out.set(r.kid, old.get(r.kid) ?? r.wrap(dek, ctx, random));
  return [...out.values()];
}

function macInput(d: Omit<EncryptedDocument, 'envelope'>, binding: string, docId: Uint8Array, file: FileBinding, recipients: readonly RecipientStanza[]) {
  return {
    mode: d.mode,
    scopeBinding: binding,
    docId,
    file,
    // Canonical orders: tools reorder mappings (FORMAT.md §9); sequences keep theirs, but the kids are a set.
    kids: recipients.map((r) => r.kid).sort(),
    readable: readableCanonical(d),
    layout: d.layout,
    entries: canonicalEntries(d.entries),
  };
}

/** Unwraps the DEK with whichever identity the document is for; E_NO_KEY or E_TAMPERED otherwise. */
export function unwrapDek(doc: EncryptedDocument, identities: readonly Identity[]): Uint8Array {
  return unwrapWithAny([...identities], [...doc.envelope.recipients], { scopeBinding: bindingOf(doc), docId: doc.envelope.docId });
}

/**
 * Checks the MAC, then decrypts layout and values. Throws E_TAMPERED when
 * anything bound was changed, moved or removed.
 */
export function openDocument(doc: EncryptedDocument, dek: Uint8Array): OpenedDocument {
  const docId = doc.envelope.docId;
  const binding = bindingOf(doc);
  const keys = deriveSubkeys(dek, docId);
  try {
    checkMacWith(keys.mac, doc, binding);
    const b = { scopeBinding: binding, docId };
    const sorted = canonicalEntries(doc.entries);
    const opened = openValues(keys.values, b, [...sorted.map(([slot, sealed]) => ({ slot, sealed })), { slot: LAYOUT_SLOT, sealed: doc.layout }]);
    const layout = parseLayout(opened.pop()!, sorted.length);
    return { doc: { ...doc, entries: inDocumentOrder(sorted, layout) }, dek, chunks: layout.chunks, raws: inDocumentOrder(opened, layout) };
  } finally {
    wipe(keys.values, keys.names, keys.mac);
  }
}

function checkMacWith(macKey: Uint8Array, doc: EncryptedDocument, binding: string): void {
  if (!macMatches(macKey, macInput(doc, binding, doc.envelope.docId, doc.envelope.file, doc.envelope.recipients), doc.envelope.mac))
    fail('E_TAMPERED', 'the MAC does not match: a value, name, recipient or readable field was changed, added, removed or reordered, or the document was moved within or between files');
}

/** What `openSome` gives back: the chosen entries, and the layout when asked for. */
export interface OpenedPart {
  /** The entries at the requested indexes, in that order, with their key paths. */
  readonly leaves: Leaf[];
  readonly chunks: string[] | null;
  /** With the layout: each token's position in document order. */
  readonly positions: ReadonlyMap<string, number> | null;
}

/**
 * Checks the MAC, then opens only the entries at `indexes` (their key paths
 * and plaintexts) and, when `withLayout`, the layout: `diff` needs the few
 * values that changed, not the thousands that did not. Throws E_TAMPERED
 * like `openDocument`, RangeError for an index outside the entries.
 */
export function openSome(doc: EncryptedDocument, dek: Uint8Array, indexes: readonly number[], withLayout = false): OpenedPart {
  const docId = doc.envelope.docId;
  const binding = bindingOf(doc);
  const keys = deriveSubkeys(dek, docId);
  try {
    checkMacWith(keys.mac, doc, binding);
    const entries = indexes.map((i) => doc.entries[i] ?? rangeError(i, doc.entries.length));
    const items = entries.map(([slot, sealed]) => ({ slot, sealed }));
    if (withLayout) items.push({ slot: LAYOUT_SLOT, sealed: doc.layout });
    const opened = openValues(keys.values, { scopeBinding: binding, docId }, items);
    const layout = withLayout ? parseLayout(opened.pop()!, doc.entries.length) : null;
    const sorted = layout && canonicalEntries(doc.entries);
    const positions = layout && new Map(layout.order.map((i, k) => [sorted![i]![0], k]));
    const names = new NameCipher(keys.names, docId);
    return { leaves: entries.map(([token], k) => ({ path: names.open(token), raw: opened[k]! })), chunks: layout?.chunks ?? null, positions };
  } finally {
    wipe(keys.values, keys.names, keys.mac);
  }
}

const rangeError = (i: number, n: number): never => {
  throw new RangeError(`entry index ${i} is outside the document's ${n} entries`);
};

/** The opened document's values with their key paths (decrypts every name token). */
export function openedLeaves(opened: OpenedDocument): Leaf[] {
  const keys = deriveSubkeys(opened.dek, opened.doc.envelope.docId);
  const names = new NameCipher(keys.names, opened.doc.envelope.docId);
  wipe(keys.values, keys.mac);
  const leaves = opened.doc.entries.map(([token], i) => ({ path: names.open(token), raw: opened.raws[i]! }));
  wipe(keys.names);
  return leaves;
}
