/**
 * Stable ciphertext (schemas/FORMAT.md §4), at the core level:
 * re-encrypting with the opened previous version keeps every unchanged line
 * byte for byte; a recipient change touches only the recipients and the
 * MAC; rotate changes every ciphertext and keeps only the document id.
 */
import { describe, expect, it } from 'vitest';
import type { Recipient } from '../core/crypto/recipients/types.js';
import { decryptStream, encryptStream, openStream, type EncryptOptions } from '../core/format/stream.js';
import { fixedKey, identityOf } from './vectors/kit.js';

const hybrid = identityOf(fixedKey('hybrid'));
const pq = identityOf(fixedKey('pq'));

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: payments
stringData:
  username: app_user
  password: "correct horse"
  url: postgres://db:5432/x
---
replicas: 3
image: shop:1.2.3
`;

function reencrypt(oldFile: string, newText: string, opts: Partial<EncryptOptions> = {}): string {
  const { opened } = openStream(oldFile, [hybrid, pq]);
  return encryptStream(newText, { recipients: [hybrid.recipient], scope: 'strict', previous: opened, ...opts });
}

/** Line numbers where two texts of the same length in lines differ, with what each line is. */
function changedLines(a: string, b: string): string[] {
  const [x, y] = [a.split('\n'), b.split('\n')];
  expect(y.length).toBe(x.length);
  return x.flatMap((line, i) => (line === y[i] ? [] : [kindOf(line)]));
}

const kindOf = (line: string): string => {
  const t = line.trim();
  if (t.startsWith('t.')) return 'entry';
  return t.replace(/^- /, '').split(':')[0]!;
};

const first = encryptStream(SECRET, { recipients: [hybrid.recipient], scope: 'strict' });
const entryLines = (text: string) => text.split('\n').filter((l) => l.trim().startsWith('t.'));

describe('stability', () => {
  it('re-encrypting the same plaintext changes nothing', () => {
    expect(reencrypt(first, SECRET)).toBe(first);
  });

  it('one changed value changes its entry line and its MAC, nothing else', () => {
    const next = reencrypt(first, SECRET.replace('"correct horse"', '"battery staple"'));
    expect(changedLines(first, next)).toEqual(['entry', 'mac']);
    expect(decryptStream(next, [hybrid])).toBe(SECRET.replace('"correct horse"', '"battery staple"'));
    const changed = entryLines(first).filter((l, i) => l !== entryLines(next)[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.split(':')[0]).toBe(entryLines(next).find((l) => !entryLines(first).includes(l))!.split(':')[0]);
  });

  it('a value changed in the second document touches only that document', () => {
    const next = reencrypt(first, SECRET.replace('replicas: 3', 'replicas: 4'));
    const [a1, a2] = first.split('---\n');
    const [b1, b2] = next.split('---\n');
    expect(b1).toBe(a1);
    expect(changedLines(a2!, b2!)).toEqual(['entry', 'mac']);
  });

  it('a changed comment changes only the layout and the MAC', () => {
    const next = reencrypt(first, SECRET.replace('replicas: 3\n', 'replicas: 3 # more soon\n'));
    expect(changedLines(first, next)).toEqual(['layout', 'mac']);
  });

  it('adding a recipient adds its stanza and changes the MAC; every value stays', () => {
    const next = reencrypt(first, SECRET, { recipients: [hybrid.recipient, pq.recipient] });
    expect(entryLines(next)).toEqual(entryLines(first));
    const strip = (t: string) => t.split('\n').filter((l) => !/^\s+(- kid|alg|enc|dek|mac):/.test(l)).join('\n');
    expect(strip(next)).toBe(strip(first));
    expect(next.split('- kid: ').length - 1).toBe(4);
    expect(decryptStream(next, [pq])).toBe(SECRET);
  });

  it('removing a recipient removes its stanza and gives the document a new data key (issue 14): every value is sealed again, the id stays', () => {
    const both = reencrypt(first, SECRET, { recipients: [hybrid.recipient, pq.recipient] });
    const only = reencrypt(both, SECRET, { recipients: [hybrid.recipient] });
    expect(only.split('- kid: ').length).toBe(first.split('- kid: ').length); // one stanza a document again
    const changed = new Set(changedLines(first, only));
    expect([...changed].sort()).toEqual(['dek', 'enc', 'entry', 'layout', 'mac']);
    expect(only.match(/^    id: \S+$/m)?.[0]).toBe(first.match(/^    id: \S+$/m)?.[0]);
    expect(decryptStream(only, [hybrid])).toBe(SECRET);
    expect(() => decryptStream(only, [pq])).toThrow(expect.objectContaining({ code: 'E_NO_KEY' }));
  });

  it('keepRecipients (edit, set) keeps the recipients whatever the list says', () => {
    const others: Recipient[] = [pq.recipient];
    const next = reencrypt(first, SECRET.replace('app_user', 'app_admin'), { recipients: others, keepRecipients: true });
    expect(changedLines(first, next)).toEqual(['entry', 'mac']);
  });

  it('rotate changes every ciphertext, token, wrap and MAC, and keeps the document id', () => {
    const next = reencrypt(first, SECRET, { rotate: true });
    const changed = new Set(changedLines(first, next));
    expect([...changed].sort()).toEqual(['dek', 'enc', 'entry', 'layout', 'mac']);
    const a = entryLines(first);
    expect(entryLines(next).every((l, i) => l.split(': ')[0] !== a[i]!.split(': ')[0] && l.split(': ')[1] !== a[i]!.split(': ')[1])).toBe(true);
    expect(decryptStream(next, [hybrid])).toBe(SECRET);
  });

  it('a changed namespace (new scope binding) re-encrypts the document under a new DEK', () => {
    const moved = SECRET.replace('namespace: payments', 'namespace: billing');
    const next = reencrypt(first, moved);
    const [a1] = first.split('---\n');
    const [b1] = next.split('---\n');
    expect(entryLines(b1!).some((l) => entryLines(a1!).includes(l))).toBe(false);
    expect(decryptStream(next, [hybrid])).toBe(moved);
  });
});
