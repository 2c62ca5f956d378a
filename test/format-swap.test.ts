/**
 * Moving authentic ciphertext around (schemas/FORMAT.md §5, §7, §9): a
 * value ciphertext moved to another key, another document, another file or
 * another namespace does not decrypt, and removing, adding or reordering
 * entries breaks the MAC.
 * Where the MAC alone would already catch a move, the test also re-computes
 * the MAC with the DEK, to show the value's own AAD refuses it as well.
 */
import { describe, expect, it } from 'vitest';
import { bindingOf, readableCanonical, type EncryptedDocument } from '../core/format/encrypted-document.js';
import { emitEncrypted, parseEncrypted } from '../core/format/encrypted-store.js';
import { isGitsealError } from '../core/errors.js';
import { computeMac } from '../core/format/mac.js';
import { openDocument, unwrapDek } from '../core/format/seal.js';
import { decryptStream, encryptStream } from '../core/format/stream.js';
import { deriveSubkeys } from '../core/crypto/subkeys.js';
import { fixedKey, identityOf, seededRandom } from './vectors/kit.js';

const key = identityOf(fixedKey('pq'));
const secret = (name: string, ns: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${ns}
stringData:
  a: first-value
  b: second-value
  c: third-value
`;
const encrypt = (text: string, seed: string, scope: 'strict' | 'namespace' | 'cluster' = 'strict') =>
  encryptStream(text, { recipients: [key.recipient], scope, random: seededRandom(seed) });

function outcome(f: () => unknown): string {
  try {
    f();
    return 'success';
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
}

const decrypt = (text: string) => outcome(() => decryptStream(text, [key]));
const docsOf = (text: string): EncryptedDocument[] => parseEncrypted(text).docs;
const emit = (docs: EncryptedDocument[]) => emitEncrypted(docs, 'yaml');

/** The document with its entries replaced and, when `remac`, a MAC made with the real DEK (an attacker who has it). */
function withEntries(doc: EncryptedDocument, entries: ReadonlyArray<readonly [string, string]>, remac: boolean): EncryptedDocument {
  const changed = { ...doc, entries };
  if (!remac) return changed;
  const dek = unwrapDek(doc, [key]);
  const { mac: macKey } = deriveSubkeys(dek, doc.envelope.docId);
  const kids = doc.envelope.recipients.map((r) => r.kid);
  const input = { mode: doc.mode, scopeBinding: bindingOf(doc), docId: doc.envelope.docId, file: doc.envelope.file, kids, readable: readableCanonical(doc), layout: doc.layout, entries };
  return { ...changed, envelope: { ...doc.envelope, mac: computeMac(macKey, input) } };
}

/** Opens one document as the library would: unwrap, MAC, values. */
const open = (doc: EncryptedDocument) => outcome(() => openDocument(doc, unwrapDek(doc, [key])));

const setCiphertext = (doc: EncryptedDocument, i: number, ct: string) => doc.entries.map(([t, c], j) => [t, j === i ? ct : c] as const);

describe('moved ciphertexts', () => {
  const file = encrypt(secret('db', 'payments'), 'swap-1');
  const [doc] = docsOf(file);

  it('the untouched document opens, also with a re-computed MAC', () => {
    expect(decrypt(file)).toBe('success');
    expect(open(withEntries(doc!, doc!.entries, true))).toBe('success');
  });

  it('two ciphertexts swapped between keys of one document', () => {
    const [x, y] = [doc!.entries[0]![1], doc!.entries[1]![1]];
    const swapped = setCiphertext({ ...doc!, entries: setCiphertext(doc!, 0, y) }, 1, x);
    expect(decrypt(emit([withEntries(doc!, swapped, false)]))).toBe('E_TAMPERED');
    expect(open(withEntries(doc!, swapped, true))).toBe('E_TAMPERED');
  });

  it('a ciphertext copied from another document of the same file', () => {
    const multi = encrypt(`${secret('db', 'payments')}---\n${secret('db2', 'payments')}`, 'swap-2');
    const [d1, d2] = docsOf(multi);
    const copied = setCiphertext(d2!, 0, d1!.entries[0]![1]);
    expect(decrypt(emit([d1!, withEntries(d2!, copied, false)]))).toBe('E_TAMPERED');
    expect(open(withEntries(d2!, copied, true))).toBe('E_TAMPERED');
  });

  it('a ciphertext copied from another file with the same plaintext', () => {
    const [other] = docsOf(encrypt(secret('db', 'payments'), 'swap-3'));
    const copied = setCiphertext(doc!, 0, other!.entries[0]![1]);
    expect(decrypt(emit([withEntries(doc!, copied, false)]))).toBe('E_TAMPERED');
    expect(open(withEntries(doc!, copied, true))).toBe('E_TAMPERED');
  });

  it('an entry (token and ciphertext) copied from another file', () => {
    const [other] = docsOf(encrypt(secret('db', 'payments'), 'swap-4'));
    const entries = [...doc!.entries, other!.entries[2]!];
    expect(decrypt(emit([withEntries(doc!, entries, false)]))).toBe('E_TAMPERED');
  });
});

describe('moved objects', () => {
  const strict = encrypt(secret('db', 'payments'), 'move-1');
  const moveTo = (text: string, name: string, ns: string) => text.replace('  name: db\n', `  name: ${name}\n`).replace('  namespace: payments\n', `  namespace: ${ns}\n`);

  it('strict scope: another namespace or name fails', () => {
    expect(decrypt(moveTo(strict, 'db', 'billing'))).toBe('E_TAMPERED');
    expect(decrypt(moveTo(strict, 'db-copy', 'payments'))).toBe('E_TAMPERED');
  });

  it('namespace scope: another name in the namespace opens, another namespace fails', () => {
    const ns = encrypt(secret('db', 'payments'), 'move-2', 'namespace');
    expect(decrypt(moveTo(ns, 'db-copy', 'payments'))).toBe('success');
    expect(decrypt(moveTo(ns, 'db', 'billing'))).toBe('E_TAMPERED');
  });

  it('cluster scope: opens anywhere', () => {
    const cluster = encrypt(secret('db', 'payments'), 'move-3', 'cluster');
    expect(decrypt(moveTo(cluster, 'other', 'billing'))).toBe('success');
  });
});

describe('entries removed, added or reordered', () => {
  const file = encrypt(secret('db', 'payments'), 'entries-1');
  const [doc] = docsOf(file);
  const e = doc!.entries;

  it.each([
    ['removed', e.slice(1)],
    ['added twice (same token)', [...e, e[0]!]],
    ['all removed', []],
  ] as const)('%s: MAC failure', (_, entries) => {
    expect(open(withEntries(doc!, entries, false))).toBe('E_TAMPERED');
  });

  it('reordered (as an API server, kubectl, yq or kustomize would): opens, the MAC covers a canonical order', () => {
    expect(open(withEntries(doc!, [e[1]!, e[0]!, ...e.slice(2)], false))).toBe('success');
    expect(open(withEntries(doc!, [...e].reverse(), false))).toBe('success');
  });

  it('removed with a re-computed MAC (someone holding the DEK): the layout no longer fits', () => {
    expect(open(withEntries(doc!, e.slice(1), true))).toBe('E_TAMPERED');
  });
});
