/**
 * File binding (schemas/FORMAT.md §2, §9): each document names its file, the
 * document before it and whether it is the last, under the MAC. Documents of
 * two encrypted files, put together in any order other than the files' own
 * (reordered, dropped, duplicated, spliced from the other file), are
 * E_TAMPERED; a legitimate edit through encryptStream keeps the file id and
 * changes only the lines of the documents next to the change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../core/errors.js';
import { generateWriterSecret, writerFromSecret } from '../core/crypto/writer-key.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';
import type { DocumentSigner } from '../core/format/signature.js';
import { decryptStream, encryptStream, openStream } from '../core/format/stream.js';
import { fixedKey, identityOf } from './vectors/kit.js';

const hybrid = identityOf(fixedKey('hybrid'));
const writer = writerFromSecret(generateWriterSecret());
const signer: DocumentSigner = { kid: writer.kid, subject: 'alice', sign: (m) => writer.sign(m) };

const encrypt = (plain: string, opts: { previous?: string; signer?: DocumentSigner; newIds?: boolean } = {}) =>
  encryptStream(plain, {
    recipients: [hybrid.recipient],
    scope: 'namespace',
    signer: opts.signer,
    newIds: opts.newIds,
    ...(opts.previous === undefined ? {} : { previous: openStream(opts.previous, [hybrid]).opened }),
  });

/** The documents of a YAML stream as gitseal writes it (each ends in "\n", joined by "---\n"), as core splits them. */
const documentsOf = (text: string): string[] => text.split(/^---\n/m);
const joinDocuments = (docs: readonly string[]): string => docs.join('---\n');

/** What reading gives: the decrypted text, or the error code. */
function outcome(read: () => unknown): string {
  try {
    const r = read();
    return typeof r === 'string' ? `ok:${r}` : 'ok';
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
}

const value = fc.string({ minLength: 1, maxLength: 16 }).map((s) => JSON.stringify(s));
const secretDoc = (name: string, values: readonly string[]) =>
  ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${name}`, '  namespace: payments', 'type: Opaque', 'stringData:', ...values.map((v, i) => `  key${i}: ${v}`), ''].join('\n');
const genericDoc = (values: readonly string[]) => ['apiVersion: example.com/v1', 'kind: Settings', 'spec:', ...values.map((v, i) => `  item${i}: ${v}`), ''].join('\n');

/** A plaintext YAML stream of 2–5 documents, Secrets (each its own name) and generic ones. */
const plainStream = fc
  .array(fc.tuple(fc.boolean(), fc.array(value, { minLength: 1, maxLength: 3 })), { minLength: 2, maxLength: 5 })
  .map((docs) => joinDocuments(docs.map(([isSecret, values], i) => (isSecret ? secretDoc(`secret-${i}`, values) : genericDoc(values)))));

/** Two encrypted files and their plaintexts. */
const twoFiles = fc.tuple(plainStream, plainStream).map(([plainA, plainB]) => ({ plainA, plainB, a: encrypt(plainA), b: encrypt(plainB) }));
type TwoFiles = { readonly plainA: string; readonly plainB: string; readonly a: string; readonly b: string };

/** A document of file A (false) or B (true) by index: the index is taken modulo the file's document count. */
const docRef = fc.tuple(fc.boolean(), fc.nat());

function assemble(files: TwoFiles, refs: ReadonlyArray<readonly [boolean, number]>): { text: string; picked: Array<[boolean, number]> } {
  const docs = [documentsOf(files.a), documentsOf(files.b)];
  const picked = refs.map(([inB, i]): [boolean, number] => [inB, i % docs[inB ? 1 : 0]!.length]);
  return { text: joinDocuments(picked.map(([inB, i]) => docs[inB ? 1 : 0]![i]!)), picked };
}

/** The document sequence of file A or B as it was written. */
const original = (files: TwoFiles, inB: boolean): Array<[boolean, number]> => documentsOf(inB ? files.b : files.a).map((_, i) => [inB, i]);
const same = (x: ReadonlyArray<readonly [boolean, number]>, y: ReadonlyArray<readonly [boolean, number]>) => x.length === y.length && x.every(([f, i], k) => f === y[k]![0] && i === y[k]![1]);

/** The tampered text is E_TAMPERED for both readers, while the untouched files still decrypt to their plaintexts. */
function expectRefused(files: TwoFiles, text: string): void {
  expect(outcome(() => parseEncrypted(text))).toBe('E_TAMPERED');
  expect(outcome(() => decryptStream(text, [hybrid]))).toBe('E_TAMPERED');
  expect(decryptStream(files.a, [hybrid])).toBe(files.plainA);
  expect(decryptStream(files.b, [hybrid])).toBe(files.plainB);
}

describe('documents put together in another order than their file', () => {
  it('any reordering of a file (not the identity) is E_TAMPERED', () => {
    fc.assert(
      fc.property(twoFiles, fc.infiniteStream(fc.nat()), (files, keys) => {
        const n = documentsOf(files.a).length;
        const order = [...Array(n).keys()].map((i) => [keys.next().value, i] as const).sort((x, y) => x[0] - y[0]).map(([, i]) => i);
        fc.pre(order.some((i, k) => i !== k));
        expectRefused(files, joinDocuments(order.map((i) => documentsOf(files.a)[i]!)));
      }),
      { numRuns: 40 },
    );
  });

  it('any proper subset of a file, in file order (the first or the last dropped included), is E_TAMPERED', () => {
    fc.assert(
      fc.property(twoFiles, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), (files, keep) => {
        const docs = documentsOf(files.a);
        const kept = docs.filter((_, i) => keep[i]);
        fc.pre(kept.length > 0 && kept.length < docs.length);
        expectRefused(files, joinDocuments(kept));
      }),
      { numRuns: 40 },
    );
  });

  it('dropping exactly the first or exactly the last document is E_TAMPERED', () => {
    fc.assert(
      fc.property(twoFiles, (files) => {
        const docs = documentsOf(files.a);
        expectRefused(files, joinDocuments(docs.slice(1)));
        expectRefused(files, joinDocuments(docs.slice(0, -1)));
      }),
      { numRuns: 10 },
    );
  });

  it('a document duplicated anywhere is E_TAMPERED', () => {
    fc.assert(
      fc.property(twoFiles, fc.nat(), fc.nat(), (files, which, where) => {
        const docs = documentsOf(files.a);
        const copy = docs[which % docs.length]!;
        const at = where % (docs.length + 1);
        expectRefused(files, joinDocuments([...docs.slice(0, at), copy, ...docs.slice(at)]));
      }),
      { numRuns: 40 },
    );
  });

  it('a splice of the two files (some documents of each, any order) is E_TAMPERED', () => {
    fc.assert(
      fc.property(twoFiles, fc.array(docRef, { minLength: 2, maxLength: 8 }), (files, refs) => {
        const { text, picked } = assemble(files, refs);
        fc.pre(picked.some(([inB]) => inB) && picked.some(([inB]) => !inB));
        expectRefused(files, text);
      }),
      { numRuns: 60 },
    );
  });

  it('a document of one file swapped for the document at the same place in the other is E_TAMPERED', () => {
    fc.assert(
      fc.property(twoFiles, fc.nat(), (files, which) => {
        const a = documentsOf(files.a);
        const b = documentsOf(files.b);
        const i = which % Math.min(a.length, b.length);
        expectRefused(files, joinDocuments(a.map((d, k) => (k === i ? b[i]! : d))));
      }),
      { numRuns: 30 },
    );
  });

  it('any non-empty sequence of their documents other than the two files themselves is E_TAMPERED', () => {
    fc.assert(
      fc.property(twoFiles, fc.array(docRef, { minLength: 1, maxLength: 10 }), (files, refs) => {
        const { text, picked } = assemble(files, refs);
        fc.pre(!same(picked, original(files, false)) && !same(picked, original(files, true)));
        expectRefused(files, text);
      }),
      { numRuns: 80 },
    );
  });

  it('the files themselves, reassembled from their documents, still decrypt', () => {
    fc.assert(
      fc.property(twoFiles, (files) => {
        expect(joinDocuments(documentsOf(files.a))).toBe(files.a);
        expect(decryptStream(joinDocuments(documentsOf(files.b)), [hybrid])).toBe(files.plainB);
      }),
      { numRuns: 10 },
    );
  });
});

const field = (doc: string, name: string): string => new RegExp(`^    ${name}: (.*)$`, 'm').exec(doc)![1]!;

/** Line-level diff (longest common subsequence): the lines only in `a`, and only in `b`. */
function lineDiff(a: string, b: string): { removed: string[]; added: string[] } {
  const x = a.split('\n');
  const y = b.split('\n');
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) removed.push(x[i++]!);
    else added.push(y[j++]!);
  }
  return { removed: [...removed, ...x.slice(i)], added: [...added, ...y.slice(j)] };
}

describe('legitimate edits keep the file and stay quiet', () => {
  it('re-encrypting with the previous version keeps the file id and document ids; unchanged, the text is the same', () => {
    fc.assert(
      fc.property(plainStream, (plain) => {
        const first = encrypt(plain, { signer });
        const again = encrypt(plain, { previous: first, signer });
        expect(again).toBe(first);
        const edited = encrypt(plain.replace(/: "/, ': "changed '), { previous: first, signer });
        expect(edited).not.toBe(first);
        const ids = (text: string) => documentsOf(text).map((d) => [field(d, 'file'), field(d, 'id'), field(d, 'after'), field(d, 'last')]);
        expect(ids(edited)).toEqual(ids(first));
        expect(new Set(documentsOf(first).map((d) => field(d, 'file'))).size).toBe(1);
      }),
      { numRuns: 10 },
    );
  });

  it('a new file, or newIds, gets a new file id', () => {
    const plain = joinDocuments([secretDoc('a', ['"1"']), genericDoc(['"2"'])]);
    const first = encrypt(plain);
    const fileId = (text: string) => field(documentsOf(text)[0]!, 'file');
    expect(fileId(encrypt(plain))).not.toBe(fileId(first));
    expect(fileId(encrypt(plain, { previous: first, newIds: true }))).not.toBe(fileId(first));
  });

  it('appending a document changes only the old last document’s last, mac and signature lines, and adds the new document', () => {
    fc.assert(
      fc.property(plainStream, fc.boolean(), fc.array(value, { minLength: 1, maxLength: 3 }), (plain, isSecret, values) => {
        const before = encrypt(plain, { signer });
        const added = isSecret ? secretDoc('appended', values) : genericDoc(values);
        const after = encrypt(joinDocuments([plain, added]), { previous: before, signer });
        expect(decryptStream(after, [hybrid])).toBe(joinDocuments([plain, added]));

        const old = documentsOf(before);
        const now = documentsOf(after);
        expect(now).toHaveLength(old.length + 1);
        // Every document before the old last is unchanged, byte for byte.
        expect(now.slice(0, -2)).toEqual(old.slice(0, -1));
        // The old last document: exactly its last, mac and signature lines.
        const { removed, added: addedLines } = lineDiff(old.at(-1)!, now.at(-2)!);
        expect(removed.map((l) => l.split(':')[0]!.trim())).toEqual(['last', 'mac', 'signature']);
        expect(addedLines.map((l) => l.split(':')[0]!.trim())).toEqual(['last', 'mac', 'signature']);
        expect(field(now.at(-2)!, 'last')).toBe('false');
        // The new document joins the chain: same file, after the old last, last.
        const last = now.at(-1)!;
        expect([field(last, 'file'), field(last, 'after'), field(last, 'last')]).toEqual([field(old[0]!, 'file'), field(old.at(-1)!, 'id'), 'true']);
        // The whole diff of the file: those three lines out, three lines and the new document in.
        const whole = lineDiff(before, after);
        expect(whole.removed).toHaveLength(3);
        expect(whole.added.length).toBe(3 + last.split('\n').length);
        for (const d of parseEncrypted(after).docs) expect(d.envelope.signature?.kid).toBe(writer.kid);
      }),
      { numRuns: 15 },
    );
  });

  // The "---" before a document is part of that document's layout (§8), so the document that stops or starts being the
  // first also changes its layout line: one line more than FORMAT.md §2's "its neighbours' after/last, MAC and signature".
  it('inserting a document at the start changes only the old first document’s layout, after, mac and signature lines', () => {
    const plain = joinDocuments([secretDoc('a', ['"1"']), genericDoc(['"2"']), secretDoc('b', ['"3"'])]);
    const before = encrypt(plain, { signer });
    const after = encrypt(joinDocuments([genericDoc(['"0"']), plain]), { previous: before, signer });
    const old = documentsOf(before);
    const now = documentsOf(after);
    // matchPrevious pairs Secrets by name and other documents by position: the generic document now at 2 is new.
    expect(now[2]).not.toBe(old[1]);
    const diff = lineDiff(old[0]!, now[1]!);
    expect(diff.removed.map((l) => l.split(':')[0]!.trim())).toEqual(['layout', 'after', 'mac', 'signature']);
    expect(field(now[1]!, 'after')).toBe(field(now[0]!, 'id'));
    expect(field(now[0]!, 'after')).toBe('start');
    expect(decryptStream(after, [hybrid])).toBe(joinDocuments([genericDoc(['"0"']), plain]));
    // And back: removing the first document changes the new first document's same four lines.
    const removed = documentsOf(encrypt(plain, { previous: after, signer }));
    expect(lineDiff(now[1]!, removed[0]!).removed.map((l) => l.split(':')[0]!.trim())).toEqual(['layout', 'after', 'mac', 'signature']);
  });

  it('removing a document through encryptStream changes only its neighbours’ chain lines', () => {
    const docs = [secretDoc('a', ['"1"']), secretDoc('b', ['"2"']), secretDoc('c', ['"3"'])];
    const before = encrypt(joinDocuments(docs), { signer });
    const after = encrypt(joinDocuments([docs[0]!, docs[2]!]), { previous: before, signer });
    const old = documentsOf(before);
    const now = documentsOf(after);
    expect(now[0]).toBe(old[0]);
    const diff = lineDiff(old[2]!, now[1]!);
    expect(diff.removed.map((l) => l.split(':')[0]!.trim())).toEqual(['after', 'mac', 'signature']);
    expect(field(now[1]!, 'after')).toBe(field(now[0]!, 'id'));
    // The old text with the middle document cut out is still refused: only the writer's edit re-chains.
    expect(outcome(() => parseEncrypted(joinDocuments([old[0]!, old[2]!])))).toBe('E_TAMPERED');
  });
});
