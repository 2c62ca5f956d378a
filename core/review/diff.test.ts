import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diffDocuments, fingerprint, matchDocuments, type DiffOptions, type DocumentDiff } from './diff.js';
import type { EncryptedDocument } from '../format/encrypted-document.js';
import { parseEncrypted } from '../format/encrypted-store.js';
import { generateIdentity } from '../crypto/recipients/index.js';
import { openDocument, openSome, openedLeaves, unwrapDek } from '../format/seal.js';
import { encryptStream, openStream, renderOpened } from '../format/stream.js';
import { deriveSubkeys } from '../crypto/subkeys.js';
import { generateWriterSecret, writerFromSecret, type TrustedWriter } from '../crypto/writer-key.js';
import { signDocument } from '../format/signature.js';
import { codeOf } from '../../test/helpers/errors.js';

const { identity: key } = generateIdentity();
const { identity: other } = generateIdentity();

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: payments
stringData:
  username: NAME-CANARY-user
  password: "VALUE-CANARY-one"   # rotated quarterly
  host: db.svc
`;

const encrypt = (text: string, scope: 'strict' | 'namespace' = 'strict') => encryptStream(text, { recipients: [key.recipient], scope });
/** Re-encrypts edited plaintext the way `gitseal set` and `edit` do: unchanged values keep their ciphertext. */
function edit(enc: string, change: (plain: string) => string, extra: { rotate?: boolean; scope?: 'strict' | 'namespace'; recipients?: typeof key.recipient[] } = {}): string {
  const { opened } = openStream(enc, [key]);
  return encryptStream(change(renderOpened(opened)), {
    recipients: extra.recipients ?? [key.recipient],
    scope: extra.scope ?? 'strict',
    previous: opened,
    keepRecipients: extra.recipients === undefined,
    rotate: extra.rotate ?? false,
  });
}
const docs = (enc: string): EncryptedDocument[] => parseEncrypted(enc).docs;
const diff = (a: string, b: string, opts: DiffOptions): DocumentDiff[] => diffDocuments(docs(a), docs(b), opts);
const keyless: DiffOptions = { identities: null };
const withKey: DiffOptions = { identities: [key] };

const v1 = encrypt(SECRET);
const v2 = edit(v1, (p) => p.replace('VALUE-CANARY-one', 'VALUE-CANARY-two').replace('  host: db.svc\n', '  host: db.svc\n  NAME-CANARY-added: VALUE-CANARY-three\n'));

describe('diffDocuments without a key', () => {
  it('counts one changed and one added value by token, and learns no name or value', () => {
    const [d] = diff(v1, v2, keyless);
    expect(d).toMatchObject({ label: 'payments/db', status: 'modified', by: 'token', counts: { changed: 1, added: 1, removed: 0 }, newDataKey: false, fingerprints: null });
    expect(d!.recipients).toEqual({ added: [], removed: [], rewrapped: [] });
    expect(d!.changes.map((c) => c.change)).toEqual(['changed', 'added']);
    for (const c of d!.changes) {
      expect(c.token).toMatch(/^t\./);
      expect(c.path).toBeUndefined();
    }
    expect(JSON.stringify(d)).not.toMatch(/CANARY|password|username/);
  });

  it('sees a removed value and a layout-only change', () => {
    const removed = edit(v1, (p) => p.replace('  host: db.svc\n', ''));
    expect(diff(v1, removed, keyless)[0]!.counts).toEqual({ changed: 0, added: 0, removed: 1 });
    const comment = edit(v1, (p) => p.replace('# rotated quarterly', '# rotated monthly'));
    expect(diff(v1, comment, keyless)[0]).toMatchObject({ status: 'modified', counts: { changed: 0, added: 0, removed: 0 }, layoutChanged: true });
  });

  it('says a rotated document has a new data key and cannot count its changes', () => {
    const [d] = diff(v1, edit(v1, (p) => p, { rotate: true }), keyless);
    expect(d).toMatchObject({ status: 'modified', newDataKey: true, counts: null, layoutChanged: null, values: { before: 7, after: 7 } });
    expect(d!.recipients.rewrapped).toEqual([key.kid]);
  });

  it('reports an identical document as unchanged without opening it', () => {
    expect(diff(v1, v1, { identities: [other], showValues: true })[0]).toMatchObject({ status: 'unchanged', counts: { changed: 0, added: 0, removed: 0 } });
  });

  it('reports recipients added and a scope change by kid and name', () => {
    const both = edit(v1, (p) => p, { recipients: [key.recipient, other.recipient] });
    expect(diff(v1, both, keyless)[0]).toMatchObject({ status: 'modified', counts: { changed: 0, added: 0, removed: 0 }, recipients: { added: [other.kid], removed: [], rewrapped: [] } });
    const wider = edit(v1, (p) => p, { scope: 'namespace' });
    expect(diff(v1, wider, keyless)[0]).toMatchObject({ scope: { before: 'strict', after: 'namespace' }, newDataKey: true });
  });
});

describe('diffDocuments with a key', () => {
  it('shows key paths and keyed fingerprints, never values', () => {
    const [d] = diff(v1, v2, withKey);
    expect(d).toMatchObject({ by: 'key', fingerprints: 'comparable', counts: { changed: 1, added: 1, removed: 0 } });
    expect(d!.changes.map((c) => [c.change, c.path])).toEqual([
      ['changed', 'stringData.password'],
      ['added', 'stringData.NAME-CANARY-added'],
    ]);
    for (const c of d!.changes) for (const s of [c.before, c.after]) if (s) expect(s).toEqual({ fingerprint: expect.stringMatching(/^fp:[0-9a-f]{16}$/) });
    expect(JSON.stringify(d)).not.toContain('VALUE-CANARY');
  });

  it('fingerprints the same value the same in both versions when the DEK is kept', () => {
    const only = edit(v1, (p) => p.replace('db.svc', 'db2.svc'));
    const back = edit(only, (p) => p.replace('db2.svc', 'db.svc'));
    const there = diff(v1, only, withKey)[0]!.changes[0]!;
    const again = diff(only, back, withKey)[0]!.changes[0]!;
    expect(there.path).toBe('stringData.host');
    expect(again.after!.fingerprint).toBe(there.before!.fingerprint);
    expect(again.before!.fingerprint).toBe(there.after!.fingerprint);
  });

  it('reveals values only with showValues', () => {
    const [d] = diff(v1, v2, { identities: [key], showValues: true });
    expect(d!.changes[0]).toMatchObject({ before: { value: '"VALUE-CANARY-one"' }, after: { value: '"VALUE-CANARY-two"' } });
  });

  it('compares plaintext across a rotation and says fingerprints are not comparable', () => {
    const rotated = edit(v1, (p) => p, { rotate: true });
    expect(diff(v1, rotated, withKey)[0]).toMatchObject({ status: 'modified', newDataKey: true, fingerprints: 'not-comparable', counts: { changed: 0, added: 0, removed: 0 }, layoutChanged: false });
    const rotatedAndSet = edit(rotated, (p) => p.replace('db.svc', 'db2.svc'));
    const [d] = diff(v1, rotatedAndSet, withKey);
    expect(d!.counts).toEqual({ changed: 1, added: 0, removed: 0 });
    expect(d!.changes[0]!.path).toBe('stringData.host');
  });

  it('falls back to tokens when no key opens a version, and refuses showValues then (E_NO_KEY)', () => {
    const [d] = diff(v1, v2, { identities: [other] });
    expect(d).toMatchObject({ by: 'token', counts: { changed: 1, added: 1, removed: 0 }, note: expect.stringContaining('no key at hand') });
    expect(codeOf(() => diff(v1, v2, { identities: [other], showValues: true }))).toBe('E_NO_KEY');
  });

  it('refuses a version whose MAC fails (E_TAMPERED)', () => {
    const forged = v2.replace(/mac: .*/, `mac: ${'A'.repeat(43)}`);
    expect(codeOf(() => diff(v1, forged, withKey))).toBe('E_TAMPERED');
    expect(diff(v1, forged, keyless)[0]!.counts).toEqual({ changed: 1, added: 1, removed: 0 });
  });
});

describe('diffDocuments: writers', () => {
  const writer = (name: string) => {
    const key = writerFromSecret(generateWriterSecret());
    return { signer: { kid: key.kid, subject: name, sign: (m: Uint8Array) => key.sign(m) }, trusted: { name, key } satisfies TrustedWriter };
  };
  const alice = writer('alice');
  const mallory = writer('mallory');
  const [d1] = docs(v1);
  const [d2] = docs(v2);
  const byAlice = signDocument(d1!, alice.signer);

  it('names who signed each version against the reader\'s trust, and marks a different signer', () => {
    const [d] = diffDocuments([byAlice], [signDocument(d2!, mallory.signer)], { identities: null, trusted: [alice.trusted] });
    expect(d!.writer).toEqual({
      before: { status: 'trusted', kid: alice.signer.kid, subject: 'alice', writer: 'alice' },
      after: { status: 'untrusted', kid: mallory.signer.kid, subject: 'mallory' },
      changed: true,
    });
    const same = diffDocuments([byAlice], [signDocument(d2!, alice.signer)], { identities: null, trusted: [alice.trusted] })[0]!.writer;
    expect(same).toMatchObject({ before: { status: 'trusted' }, after: { status: 'trusted' }, changed: false });
    expect(diffDocuments([d1!], [d2!], keyless)[0]!.writer).toEqual({ before: { status: 'unsigned' }, after: { status: 'unsigned' }, changed: false });
    expect(diffDocuments([byAlice], [d2!], keyless)[0]!.writer).toMatchObject({ after: { status: 'unsigned' }, changed: true });
  });

  it('a document signed anew by someone else, all else the same, is modified; the same signature is no change', () => {
    expect(diffDocuments([byAlice], [byAlice], keyless)[0]).toMatchObject({ status: 'unchanged', writer: { changed: false } });
    const [d] = diffDocuments([byAlice], [signDocument(d1!, mallory.signer)], withKey);
    expect(d).toMatchObject({ status: 'modified', counts: { changed: 0, added: 0, removed: 0 }, writer: { changed: true } });
  });

  it('a signature that claims a kid and does not verify under its key is invalid, whether the key is trusted or only declared', () => {
    const real = signDocument(d2!, mallory.signer).envelope.signature!;
    const forged = { ...d2!, envelope: { ...d2!.envelope, signature: { kid: alice.signer.kid, subject: 'alice', bytes: real.bytes } } };
    const check = (opts: Partial<DiffOptions>) => diffDocuments([byAlice], [forged], { identities: null, ...opts })[0]!.writer.after;
    expect(check({ trusted: [alice.trusted] })).toEqual({ status: 'invalid', kid: alice.signer.kid, subject: 'alice' });
    expect(check({ declared: [alice.trusted] })).toEqual({ status: 'invalid', kid: alice.signer.kid, subject: 'alice' });
    expect(check({ declared: [mallory.trusted] })).toEqual({ status: 'untrusted', kid: alice.signer.kid, subject: 'alice' });
    // Same kid and subject on both sides: not a change of writer, but the new signature is not one.
    expect(diffDocuments([byAlice], [forged], { identities: null, trusted: [alice.trusted] })[0]).toMatchObject({ status: 'modified', writer: { changed: false } });
  });

  it('added and removed documents carry their one writer', () => {
    const [added] = diffDocuments([], [byAlice], { identities: null, declared: [alice.trusted] });
    expect(added!.writer).toEqual({ before: null, after: { status: 'untrusted', kid: alice.signer.kid, subject: 'alice' }, changed: false });
    expect(diffDocuments([byAlice], [], keyless)[0]!.writer).toMatchObject({ before: { status: 'untrusted' }, after: null, changed: false });
  });
});

describe('matchDocuments', () => {
  const multi = (names: string[]) => names.map((n) => (n.startsWith('cm') ? `kind: ConfigMap\nname: ${n}\n` : `apiVersion: v1\nkind: Secret\nmetadata: {name: ${n}, namespace: ns}\nstringData: {a: b}\n`)).join('---\n');
  it('pairs Secrets by namespace and name and other documents by position', () => {
    const before = docs(encrypt(multi(['one', 'cm1', 'two'])));
    const after = docs(encrypt(multi(['two', 'cm1', 'three'])));
    expect(matchDocuments(before, after)).toEqual([
      [2, 0],
      [1, 1],
      [null, 2],
      [0, null],
    ]);
  });

  it('reports added and removed documents', () => {
    const a = encrypt(multi(['one', 'two']));
    const { opened } = openStream(a, [key]);
    const b = encryptStream(renderOpened(opened).replace(/---\n[^]*$/, '---\n' + multi(['three'])), { recipients: [key.recipient], scope: 'strict', previous: opened, keepRecipients: true });
    const d = diffDocuments(docs(a), docs(b), withKey);
    expect(d.map((x) => [x.label, x.status])).toEqual([
      ['ns/one', 'unchanged'],
      ['ns/three', 'added'],
      ['ns/two', 'removed'],
    ]);
    expect(d[1]!.changes.map((c) => c.path)).toEqual(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace', 'stringData.a']);
  });
});

describe('fingerprint', () => {
  it('is HMAC-SHA-256 under HKDF(DEK, salt docId, "gitseal/v1/fingerprint"), first 8 bytes, and not under the MAC subkey', () => {
    const doc = docs(v1)[0]!;
    const dek = unwrapDek(doc, [key]);
    const docId = doc.envelope.docId;
    const k = Buffer.from(hkdfSync('sha256', dek, docId, 'gitseal/v1/fingerprint', 32));
    expect(fingerprint(dek, docId, 'x')).toBe(createHmac('sha256', k).update('x').digest().subarray(0, 8).toString('hex'));
    expect(k.equals(Buffer.from(deriveSubkeys(dek, docId).mac))).toBe(false);
    expect(fingerprint(dek, docId, 'x')).not.toBe(fingerprint(dek, docId, 'y'));
  });
});

describe('openSome', () => {
  it('opens the chosen entries like openDocument does, after the MAC', () => {
    const doc = docs(v2)[0]!;
    const dek = unwrapDek(doc, [key]);
    const opened = openDocument(doc, dek);
    const byToken = new Map(openedLeaves(opened).map((leaf, i) => [opened.doc.entries[i]![0], leaf]));
    const some = openSome(doc, dek, [5, 1], true);
    expect(some.leaves).toEqual([byToken.get(doc.entries[5]![0]), byToken.get(doc.entries[1]![0])]);
    expect(some.chunks).toEqual(openDocument(doc, dek).chunks);
    expect(() => openSome(doc, dek, [doc.entries.length])).toThrow(RangeError);
  });
});
