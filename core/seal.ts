/**
 * Sealing and opening one document: values, names, layout, DEK wraps and
 * MAC. Pure apart from randomness from node:crypto.
 */
import { randomBytes } from 'node:crypto';
import { wipe } from './bytes.js';
import { fail } from './errors.js';
import { bindingOf, ENVELOPE_VERSION, readableCanonical, type EncryptedDocument, type Mode } from './encrypted-document.js';
import { computeMac, macMatches } from './mac.js';
import { NameCipher } from './name-tokens.js';
import type { Leaf, PlainDocument } from './plain-document.js';
import type { Identity, Recipient, RecipientStanza, WrapContext } from './recipients/types.js';
import { unwrapWithAny } from './recipients/index.js';
import type { ObjectIdentity, Scope } from './scope.js';
import { deriveSubkeys } from './subkeys.js';
import { LAYOUT_SLOT, NoncePool, openValue, sealValue } from './values.js';

export const DEK_LENGTH = 32;
export const DOC_ID_LENGTH = 16;

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
  /** Plaintext of each entry, in entry order. */
  readonly raws: readonly string[];
}

export interface SealOptions {
  readonly recipients: readonly Recipient[];
  /** The same document as it is now; unchanged values keep their ciphertext (DESIGN §3 "Stability"). */
  readonly previous?: OpenedDocument | undefined;
  /** A new DEK: every ciphertext changes (`gitseal rotate`). */
  readonly rotate?: boolean;
  /** Keep the previous document's recipients as they are (edit, set, unset); `recipients` then serves only new documents. */
  readonly keepRecipients?: boolean;
}

export function sealDocument(input: SealInput, opts: SealOptions): EncryptedDocument {
  const prev = opts.previous;
  const docId = prev?.doc.envelope.docId ?? new Uint8Array(randomBytes(DOC_ID_LENGTH));
  const binding = bindingOf(input);
  const reuse = prev !== undefined && !opts.rotate && bindingOf(prev.doc) === binding && prev.doc.mode === input.mode;
  const dek = reuse ? prev.dek : new Uint8Array(randomBytes(DEK_LENGTH));
  const keys = deriveSubkeys(dek, docId);
  const names = new NameCipher(keys.names, docId);
  const nonces = new NoncePool();
  const b = { scopeBinding: binding, docId };

  const previousByToken = new Map<string, readonly [string, string]>();
  if (reuse) prev.doc.entries.forEach(([token, ct], i) => previousByToken.set(token, [prev.raws[i]!, ct]));

  const entries = input.plain.leaves.map((leaf): [string, string] => {
    const token = names.seal(leaf.path);
    const old = previousByToken.get(token);
    return [token, old && old[0] === leaf.raw ? old[1] : sealValue(keys.values, b, token, leaf.raw, nonces)];
  });
  const layoutText = JSON.stringify(input.plain.chunks);
  const layout = reuse && JSON.stringify(prev.chunks) === layoutText ? prev.doc.layout : sealValue(keys.values, b, LAYOUT_SLOT, layoutText, nonces);

  const recipients = reuse && opts.keepRecipients ? [...prev.doc.envelope.recipients] : wrapFor(opts.recipients, dek, b, reuse ? prev : undefined);

  const partial = { mode: input.mode, identity: input.identity, readable: input.readable, scope: input.scope, layout, entries };
  const mac = computeMac(keys.mac, macInput(partial, binding, docId, recipients));
  if (!reuse) wipe(dek);
  wipe(keys.values, keys.names, keys.mac);
  return { ...partial, envelope: { version: ENVELOPE_VERSION, docId, recipients, mac } };
}

/** Wraps the DEK to each recipient once; a recipient the previous version already had keeps its stanza. */
function wrapFor(list: readonly Recipient[], dek: Uint8Array, ctx: WrapContext, prev: OpenedDocument | undefined): RecipientStanza[] {
  if (list.length === 0) fail('E_NO_RECIPIENTS', 'no recipients: pass -r RECIPIENT or add recipients to .gitseal.yaml ("gitseal init")');
  const old = new Map<string, RecipientStanza>(prev ? prev.doc.envelope.recipients.map((s) => [s.kid, s]) : []);
  const out = new Map<string, RecipientStanza>();
  for (const r of list) if (!out.has(r.kid)) out.set(r.kid, old.get(r.kid) ?? r.wrap(dek, ctx));
  return [...out.values()];
}

function macInput(d: Omit<EncryptedDocument, 'envelope'>, binding: string, docId: Uint8Array, recipients: readonly RecipientStanza[]) {
  return {
    mode: d.mode,
    scopeBinding: binding,
    docId,
    kids: recipients.map((r) => r.kid),
    readable: readableCanonical(d),
    layout: d.layout,
    entries: d.entries,
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
    if (!macMatches(keys.mac, macInput(doc, binding, docId, doc.envelope.recipients), doc.envelope.mac))
      fail('E_TAMPERED', 'the MAC does not match: a value, name, recipient or readable field was changed, added, removed or reordered');
    const b = { scopeBinding: binding, docId };
    const chunks = parseLayout(openValue(keys.values, b, LAYOUT_SLOT, doc.layout), doc.entries.length);
    const raws = doc.entries.map(([token, ct]) => openValue(keys.values, b, token, ct));
    return { doc, dek, chunks, raws };
  } finally {
    wipe(keys.values, keys.names, keys.mac);
  }
}

function parseLayout(text: string, entryCount: number): string[] {
  let chunks: unknown;
  try {
    chunks = JSON.parse(text);
  } catch {
    chunks = null;
  }
  if (!Array.isArray(chunks) || chunks.length !== entryCount + 1 || !chunks.every((c) => typeof c === 'string'))
    fail('E_TAMPERED', 'the layout does not fit the values: the file was modified');
  return chunks as string[];
}

/** The opened document's values with their key paths (decrypts every name token). */
export function openedLeaves(opened: OpenedDocument): Leaf[] {
  const keys = deriveSubkeys(opened.dek, opened.doc.envelope.docId);
  const names = new NameCipher(keys.names, opened.doc.envelope.docId);
  wipe(keys.values, keys.mac);
  const leaves = opened.doc.entries.map(([token], i) => ({ path: names.open(token), raw: opened.raws[i]! }));
  wipe(keys.names);
  return leaves;
}

export function openedPlain(opened: OpenedDocument): PlainDocument {
  return { chunks: opened.chunks, leaves: opened.raws.map((raw) => ({ path: [], raw })) };
}
