/**
 * encrypted_comment_regex and unencrypted_comment_regex against the
 * independent writer (test/helpers/sops-writer.ts, from Go sops's
 * shouldBeEncrypted and its commentsStack). What Go does, and so gitseal:
 * - the comments in force for a value are, per enclosing mapping or
 *   sequence, the comment lines after the previous item of that collection
 *   and before the current one: a comment counts for the key right after it
 *   and that key's whole subtree, never for the keys after (a value ends
 *   the run); Go matches the file's text (after the "#");
 * - comments are never in the MAC: with mac_only_encrypted, only the values
 *   the rule covers are, so a clear value outside them may change (Go
 *   accepts that too), while a covered value edited, put in clear, or moved
 *   out of or into coverage by editing a comment is refused: put in clear
 *   or newly covered, E_SOPS (Go cannot decrypt it); taken out of coverage,
 *   E_SOPS_MAC (the MAC loses a value).
 */
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { codeOf } from '../../test/helpers/errors.js';
import { comment, SopsWriter, type Tree } from '../../test/helpers/sops-writer.js';
import { openSops, parseSops } from './index.js';
import { encryptRule, parseMetadata } from './metadata.js';

const KEY = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
const open = (text: string) => openSops(parseSops(text), KEY);

const SECRET: Tree = {
  app: 'web',
  c1: comment(' sops:enc'),
  password: 's3cret',
  port: 8080,
  db: {
    host: 'db.local',
    c2: comment(' sops:enc'),
    user: 'admin',
    pass: 'hunter2',
  },
  c3: comment(' sops:enc'),
  tls: { key: 'PRIVATE', cert: 'PUBLIC' },
  list: ['one', comment(' sops:enc'), 'two', 'three'],
};
const CLEAR = { app: 'web', password: 's3cret', port: 8080, db: { host: 'db.local', user: 'admin', pass: 'hunter2' }, tls: { key: 'PRIVATE', cert: 'PUBLIC' }, list: ['one', 'two', 'three'] };

describe('encrypted_comment_regex with mac_only_encrypted', () => {
  const w = new SopsWriter({ key: KEY, encryptedCommentRegex: 'sops:enc', macOnlyEncrypted: true });
  const text = w.yaml([SECRET]);

  it('the writer encrypts only what a marking comment is in force for: the key right after it, its subtree, nothing after', () => {
    const enc = (line: RegExp) => expect(text).toMatch(line);
    enc(/^password: ENC\[/m);
    enc(/^ {2}user: ENC\[/m);
    enc(/^ {2}key: ENC\[/m);
    enc(/^ {2}cert: ENC\[/m);
    enc(/^ {2}- ENC\[/m);
    expect(text).toMatch(/^port: 8080$/m);
    expect(text).toMatch(/^ {2}pass: hunter2$/m);
    expect(text).toMatch(/^ {2}- three$/m);
    expect(text).toMatch(/^# sops:enc$/m);
    expect(text).toContain('encrypted_comment_regex: sops:enc');
    expect(text).not.toContain('unencrypted_suffix');
  });

  it('imports with the MAC checked', () => {
    const out = open(text);
    expect(out.macOk).toBe(true);
    expect(parse(out.plaintext)).toEqual(CLEAR);
    expect(out.plaintext).toContain('# sops:enc\npassword: s3cret');
  });

  it('a clear value outside the MAC may change (Go accepts it too); a covered one may not', () => {
    const free = open(text.replace(/^port: 8080$/m, 'port: 9090').replace('pass: hunter2', 'pass: other'));
    expect(free.macOk).toBe(true);
    expect(parse(free.plaintext).port).toBe(9090);
    const pw = /^password: (ENC\[.*\])$/m.exec(text)![1]!;
    const user = /^ {2}user: (ENC\[.*\])$/m.exec(text)![1]!;
    // Another encrypted value moved here: it opens (the AAD is the path) only where it was written.
    expect(codeOf(() => open(text.replace(pw, user)))).toBe('E_SOPS_MAC');
    // A covered value put in clear, even as its true value, is refused: Go cannot decrypt it.
    expect(codeOf(() => open(text.replace(pw, 's3cret')))).toBe('E_SOPS');
    expect(codeOf(() => open(text.replace(pw, '"other"')))).toBe('E_SOPS');
    expect(codeOf(() => open(text.replace(pw, '42')))).toBe('E_SOPS');
    // A covered value removed with its marker: the MAC loses it.
    expect(codeOf(() => open(text.replace(/^# sops:enc\npassword: .*\n/m, '')))).toBe('E_SOPS_MAC');
    // Removed alone, its marker now stands before port, which is clear: Go cannot decrypt it.
    expect(codeOf(() => open(text.replace(/^password: .*\n/m, '')))).toBe('E_SOPS');
  });

  it('removing or editing the marking comment takes the value out of coverage: the MAC no longer matches', () => {
    expect(codeOf(() => open(text.replace(/^# sops:enc\npassword/m, 'password')))).toBe('E_SOPS_MAC');
    expect(codeOf(() => open(text.replace(/^# sops:enc\npassword/m, '# sops:plain\npassword')))).toBe('E_SOPS_MAC');
    // Even with --ignore-mac the ENC[...] text is not decrypted where Go would not decrypt it.
    const loose = openSops(parseSops(text.replace(/^# sops:enc\npassword/m, 'password')), KEY, { ignoreMac: true });
    expect(loose.macOk).toBe(false);
    expect(parse(loose.plaintext).password).toMatch(/^ENC\[/);
  });

  it('adding or moving a marking comment onto a clear value is refused: Go would try to decrypt it', () => {
    expect(codeOf(() => open(text.replace(/^port: 8080$/m, '# sops:enc\nport: 8080')))).toBe('E_SOPS');
    expect(codeOf(() => open(text.replace(/^# sops:enc\npassword: (.*)\nport: 8080$/m, 'password: $1\n# sops:enc\nport: 8080')))).toBe('E_SOPS');
    // A marker in front of a whole mapping covers all of it.
    expect(codeOf(() => open(text.replace(/^db:$/m, '# sops:enc\ndb:')))).toBe('E_SOPS');
  });

  it('a comment at the document head counts for the first key; a trailing one for nothing', () => {
    const head = new SopsWriter({ key: KEY, encryptedCommentRegex: 'sops:enc', macOnlyEncrypted: true }).yaml([{ c: comment(' sops:enc'), first: 'a', second: 'b', c2: comment(' sops:enc') }]);
    expect(head).toMatch(/^first: ENC\[/m);
    expect(head).toMatch(/^second: b$/m);
    expect(open(head).macOk).toBe(true);
    // With a blank line after it, yaml puts the comment on the document: Go's store still puts it first in the top-level mapping.
    const blank = head.replace(/^# sops:enc\n/, '# sops:enc\n\n');
    expect(parseAllDocuments(blank)[0]!.commentBefore).toBe(' sops:enc');
    expect(parse(open(blank).plaintext)).toEqual({ first: 'a', second: 'b' });
  });

  it('a line comment after `key:` whose value is a mapping is in the parent run (the whole mapping); on its own line under the key, only the first key', () => {
    const w2 = new SopsWriter({ key: KEY, encryptedCommentRegex: 'sops:enc', macOnlyEncrypted: true });
    const t = w2.yaml([{ db: { c: comment(' sops:enc'), user: 'admin', pass: 'p' } }]);
    expect(t).toMatch(/^ {2}pass: p$/m);
    expect(open(t).macOk).toBe(true);
    // The same comment moved to the key's line: Go reads it as db's, covering pass too, which is clear.
    const moved = t.replace(/^db:\n {2}# sops:enc\n/m, 'db: # sops:enc\n');
    expect(codeOf(() => open(moved))).toBe('E_SOPS');
    const whole = new SopsWriter({ key: KEY, encryptedCommentRegex: 'sops:enc', macOnlyEncrypted: true }).yaml([{ c: comment(' sops:enc'), db: { user: 'admin', pass: 'p' }, other: 'x' }]);
    const onKeyLine = whole.replace(/^# sops:enc\ndb:$/m, 'db: # sops:enc');
    expect(onKeyLine).not.toBe(whole);
    expect(open(onKeyLine).macOk).toBe(true);
  });

  it('comments after the marker in its run are encrypted, the marker is not; they decrypt on import', () => {
    const t = new SopsWriter({ key: KEY, encryptedCommentRegex: 'sops:enc', macOnlyEncrypted: true }).yaml([{ c: comment(' sops:enc'), c2: comment(' the admin password'), password: 'x' }]);
    expect(t).toMatch(/^# sops:enc\n#ENC\[AES256_GCM,.*type:comment\]\npassword: ENC\[/m);
    const out = open(t);
    expect(out.plaintext).toBe('# sops:enc\n# the admin password\npassword: x\n');
    expect(out.undecryptedComments).toBe(0);
  });

  it('without mac_only_encrypted the MAC covers the clear values too', () => {
    const all = new SopsWriter({ key: KEY, encryptedCommentRegex: 'sops:enc' }).yaml([SECRET]);
    expect(open(all).macOk).toBe(true);
    expect(codeOf(() => open(all.replace(/^port: 8080$/m, 'port: 9090')))).toBe('E_SOPS_MAC');
    expect(codeOf(() => open(all.replace(/^# sops:enc\npassword/m, 'password')))).toBe('E_SOPS_MAC');
  });
});

describe('unencrypted_comment_regex', () => {
  const doc: Tree = {
    c0: comment(' sops:clear'),
    name: 'web',
    token: 'abc',
    c1: comment(' sops:clear'),
    labels: { tier: 'front', owner: 'ops' },
    items: ['x', comment(' sops:clear'), 'y'],
  };
  for (const macOnlyEncrypted of [true, false]) {
    it(`leaves clear what a matching comment is in force for, encrypts the rest (mac_only_encrypted: ${macOnlyEncrypted})`, () => {
      const t = new SopsWriter({ key: KEY, unencryptedCommentRegex: 'sops:clear', macOnlyEncrypted }).yaml([doc]);
      expect(t).toMatch(/^name: web$/m);
      expect(t).toMatch(/^token: ENC\[/m);
      expect(t).toMatch(/^ {2}tier: front$/m);
      expect(t).toMatch(/^ {2}- ENC\[/m);
      expect(t).toMatch(/^ {2}- y$/m);
      expect(t).toContain('unencrypted_comment_regex: sops:clear');
      const out = open(t);
      expect(out.macOk).toBe(true);
      expect(parse(out.plaintext)).toEqual({ name: 'web', token: 'abc', labels: { tier: 'front', owner: 'ops' }, items: ['x', 'y'] });
      const edited = t.replace('tier: front', 'tier: back');
      if (macOnlyEncrypted) expect(open(edited).macOk).toBe(true);
      else expect(codeOf(() => open(edited))).toBe('E_SOPS_MAC');
      // The clear marker removed: labels become covered, and are clear: Go cannot decrypt them.
      expect(codeOf(() => open(t.replace(/^# sops:clear\nlabels:/m, 'labels:')))).toBe('E_SOPS');
      // A clear marker added over an encrypted value: it leaves the MAC's values (or counts as its ENC text).
      expect(codeOf(() => open(t.replace(/^token:/m, '# sops:clear\ntoken:')))).toBe('E_SOPS_MAC');
    });
  }
});

describe('the rule and the metadata', () => {
  it('matches comments anywhere on the stack, and never a later sibling', () => {
    const enc = encryptRule({ encryptedCommentRegex: '^ ?enc$' });
    expect(enc(['a'], [[' enc']])).toBe(true);
    expect(enc(['a', 'b'], [[' enc'], []])).toBe(true);
    expect(enc(['a'], [[]])).toBe(false);
    expect(enc(['a'])).toBe(false);
    const unenc = encryptRule({ unencryptedCommentRegex: '(?i)CLEAR' });
    expect(unenc(['a'], [['x'], ['clear']])).toBe(false);
    expect(unenc(['a'], [['x']])).toBe(true);
  });

  it('reads both fields, refuses more than one rule as Go does, and gives a file without a rule the _unencrypted suffix', () => {
    const base = { version: '3.9.4', lastmodified: '2025-01-01T00:00:00Z' };
    expect(parseMetadata({ ...base, encrypted_comment_regex: 'x' }).encryptedCommentRegex).toBe('x');
    expect(parseMetadata({ ...base, unencrypted_comment_regex: 'y' }).unencryptedCommentRegex).toBe('y');
    expect(parseMetadata({ ...base, encrypted_comment_regex: 'x' }).unencryptedSuffix).toBeUndefined();
    expect(parseMetadata(base).unencryptedSuffix).toBe('_unencrypted');
    expect(codeOf(() => parseMetadata({ ...base, encrypted_comment_regex: 'x', unencrypted_suffix: '_u' }))).toBe('E_SOPS');
    expect(codeOf(() => parseMetadata({ ...base, encrypted_regex: 'x', unencrypted_comment_regex: 'y' }))).toBe('E_SOPS');
  });
});

describe('dotenv files (one branch: a comment line counts for the next entry)', () => {
  it('encrypted_comment_regex: imports with the MAC checked; a marker over a clear entry is refused, one removed fails the MAC', () => {
    const t = new SopsWriter({ key: KEY, encryptedCommentRegex: 'sops:enc', macOnlyEncrypted: true }).dotenv({ HOST: 'db', c: comment(' sops:enc'), PASSWORD: 'pw', PORT: '5432' });
    expect(t).toMatch(/^# sops:enc\nPASSWORD=ENC\[/m);
    expect(t).toMatch(/^PORT=5432$/m);
    const out = open(t);
    expect(out.macOk).toBe(true);
    expect(parse(out.plaintext)).toEqual({ HOST: 'db', PASSWORD: 'pw', PORT: '5432' });
    expect(open(t.replace('PORT=5432', 'PORT=1')).macOk).toBe(true);
    expect(codeOf(() => open(t.replace('PORT=5432', '# sops:enc\nPORT=5432')))).toBe('E_SOPS');
    expect(codeOf(() => open(t.replace('# sops:enc\n', '')))).toBe('E_SOPS_MAC');
  });
});
