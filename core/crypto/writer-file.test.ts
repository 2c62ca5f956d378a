/**
 * Writer key files and trust files (writer-file.ts, schemas/FORMAT.md §13):
 * what is written reads back, and anything malformed is E_WRITER_KEY.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { b64url } from '../bytes.js';
import { codeOf } from '../../test/helpers/errors.js';
import { checkSubject, decodeTrustFile, decodeWriterKeyFile, encodeTrustFile, encodeWriterKeyFile, parseWriterList } from './writer-file.js';
import { formatWriter, generateWriterSecret, verifyWriterSignature, writerFromSecret } from './writer-key.js';

const secret = generateWriterSecret();
const alice = writerFromSecret(secret);
const other = writerFromSecret(generateWriterSecret());
const FILE = encodeWriterKeyFile('alice', secret);

describe('writer key file', () => {
  it('reads back the name and a signer with the same key, whose signatures verify', () => {
    const { name, signer } = decodeWriterKeyFile(FILE, 'writer.yaml');
    expect(name).toBe('alice');
    expect(signer.kid).toBe(alice.kid);
    expect(b64url(signer.publicKey)).toBe(b64url(alice.publicKey));
    const m = new TextEncoder().encode('message');
    expect(verifyWriterSignature(alice, m, signer.sign(m))).toBe(true);
  });

  it('holds the version, name, kid, public key and secret, as FORMAT.md §13 shows', () => {
    expect(parse(FILE)).toEqual({ 'gitseal-writer': 1, name: 'alice', kid: alice.kid, key: formatWriter(alice), secret: b64url(secret) });
  });

  it('refuses a malformed file with E_WRITER_KEY', () => {
    const bad = [
      'not: [valid',
      '- a list',
      '',
      FILE.replace('gitseal-writer: 1', 'gitseal-writer: 2'),
      FILE.replace(/^secret: .*$/m, ''),
      FILE.replace(/^secret: .*$/m, `secret: ${b64url(secret.subarray(1))}`),
      FILE.replace(/^kid: .*$/m, `kid: ${other.kid}`),
      FILE.replace(/^name: .*$/m, ''),
      FILE.replace(/^name: .*$/m, 'name: ""'),
      FILE.replace(/^name: .*$/m, 'name: "a\\u001b[31mb"'),
      FILE.replace(/^name: .*$/m, `name: ${'x'.repeat(257)}`),
      FILE.replace(/^name: .*$/m, 'name: 42'),
      FILE.replace(/^name: .*$/m, 'name: &a alice\nalias: *a'),
      `${FILE}name: bob\n`,
    ];
    for (const text of bad) expect(codeOf(() => decodeWriterKeyFile(text, 'writer.yaml')), text.slice(0, 60)).toBe('E_WRITER_KEY');
  });

  it('a secret that is not base64url is E_WRITER_KEY, like every other malformed field', () => {
    expect(codeOf(() => decodeWriterKeyFile(FILE.replace(/^secret: .*$/m, 'secret: not*base64'), 'writer.yaml'))).toBe('E_WRITER_KEY');
  });

  it('encodeWriterKeyFile checks the name and the secret', () => {
    expect(codeOf(() => encodeWriterKeyFile('', secret))).toBe('E_WRITER_KEY');
    expect(codeOf(() => encodeWriterKeyFile('a\u202eb', secret))).toBe('E_WRITER_KEY');
    expect(codeOf(() => encodeWriterKeyFile('alice', secret.subarray(0, 32)))).toBe('E_WRITER_KEY');
  });
});

describe('subjects', () => {
  it('checkSubject takes 1–256 printable characters and nothing else', () => {
    for (const ok of ['a', 'Zoë 山田 🔑', 'alice@example.com', 'x'.repeat(256)]) expect(checkSubject(ok, 'name')).toBe(ok);
    for (const bad of ['', 'x'.repeat(257), 'a\nb', 'a\tb', '\u0000', 'a\u0085b', 'a\u200eb', 'a\u202eb', '\ufeffa', 'a\u00adb', 42, null, undefined, ['a']])
      expect(codeOf(() => checkSubject(bad, 'name')), JSON.stringify(bad)).toBe('E_WRITER_KEY');
  });

  it('a name with U+FFFD, which the reader of signatures refuses, is refused when the key file is made', () => {
    expect(() => checkSubject('a\ufffdb', 'name')).toThrow(expect.objectContaining({ code: 'E_WRITER_KEY' }));
  });
});

describe('trust file', () => {
  const trust = { requireSignatures: true, writers: [{ name: 'alice', key: alice }, { name: 'rewrap.example.com', key: other, signsFor: true }] };

  it('encodeTrustFile and decodeTrustFile round-trip', () => {
    const back = decodeTrustFile(encodeTrustFile(trust), 'trust.yaml');
    expect(back.requireSignatures).toBe(true);
    expect(back.writers.map((w) => [w.name, w.key.kid, w.signsFor])).toEqual([
      ['alice', alice.kid, false],
      ['rewrap.example.com', other.kid, true],
    ]);
    expect(b64url(back.writers[0]!.key.publicKey)).toBe(b64url(alice.publicKey));
  });

  it('an empty file trusts nobody and requires nothing', () => {
    for (const text of ['', '# nothing\n', 'writers: []\n']) expect(decodeTrustFile(text, 'trust.yaml')).toEqual({ requireSignatures: false, writers: [] });
  });

  it('refuses a malformed file with E_WRITER_KEY', () => {
    const key = formatWriter(alice);
    const bad = [
      'writers: [',
      '- a list',
      'requireSignatures: yes please',
      'requireSignatures: 1',
      'requireSignatures: true\nrequireSignatures: false',
      'writers: alice',
      'writers:\n  - name: alice',
      `writers:\n  - key: ${key}`,
      `writers:\n  - name: alice\n    key: ${key.slice(0, -2)}`,
      `writers:\n  - name: alice\n    key: ${key}\n    signsFor: "true"`,
      `writers:\n  - name: "a\\u0007"\n    key: ${key}`,
      `writers:\n  - name: &n alice\n    key: ${key}\n  - name: *n\n    key: ${key}`,
    ];
    for (const text of bad) expect(codeOf(() => decodeTrustFile(text, 'trust.yaml')), text.slice(0, 60)).toBe('E_WRITER_KEY');
  });

  it('parseWriterList: no list is no writers; each entry needs a name and a key', () => {
    expect(parseWriterList(undefined, '.gitseal.yaml')).toEqual([]);
    expect(parseWriterList(null, '.gitseal.yaml')).toEqual([]);
    expect(codeOf(() => parseWriterList({ name: 'alice' }, '.gitseal.yaml'))).toBe('E_WRITER_KEY');
    expect(codeOf(() => parseWriterList([{ name: 'alice', key: 42 }], '.gitseal.yaml'))).toBe('E_WRITER_KEY');
  });

  it('a trust file with an unknown field (requireSignature, a typo) is E_WRITER_KEY', () => {
    expect(codeOf(() => decodeTrustFile('requireSignature: true\nwriters: []\n', 'trust.yaml'))).toBe('E_WRITER_KEY');
  });
});
