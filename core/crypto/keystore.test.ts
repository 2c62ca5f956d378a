import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { b64url } from '../bytes.js';
import { decodeKeystore, encodeKeystore, isKeystoreSealed, keystoreRecipients } from './keystore.js';
import { formatRecipient, generateIdentity } from './recipients/index.js';
import { errorOf } from '../../test/helpers/errors.js';

const FAST = { N: 1024, r: 8, p: 1 };
const CREATED = '2026-11-23T09:00:00Z';
const hybrid = generateIdentity('mlkem1024-x25519');
const pq = generateIdentity('mlkem1024');
const entries = [hybrid, pq].map((g) => ({ ...g, created: CREATED }));
const plain = encodeKeystore(entries);
const sealed = encodeKeystore(entries, 'correct horse', FAST);


const kids = (text: string, pass?: string): string[] => decodeKeystore(text, pass).map((i) => i.kid);

describe('keystore', () => {
  it('writes the documented layout', () => {
    const doc = parseDocument(sealed).toJS() as { 'gitseal-keystore': number; keys: Record<string, unknown>[] };
    expect(doc['gitseal-keystore']).toBe(1);
    expect(doc.keys[0]).toMatchObject({ kid: hybrid.identity.kid, alg: 'mlkem1024-x25519', created: CREATED, recipient: formatRecipient(hybrid.identity.recipient) });
    expect(doc.keys[0]!['sealed']).toMatchObject({ kdf: 'scrypt', N: 1024, r: 8, p: 1 });
    expect(sealed).toMatch(/^ {4}sealed: \{ kdf: scrypt, N: 1024,/m);
    expect(plain).toContain(`secret: ${b64url(hybrid.secret)}`);
  });

  it('round-trips identities without a passphrase', () => {
    expect(isKeystoreSealed(plain)).toBe(false);
    expect(kids(plain)).toEqual([hybrid.identity.kid, pq.identity.kid]);
    expect(kids(plain, 'ignored')).toEqual([hybrid.identity.kid, pq.identity.kid]);
  });

  it('round-trips identities with a passphrase, and they open what their recipients wrapped', () => {
    expect(isKeystoreSealed(sealed)).toBe(true);
    const [id] = decodeKeystore(sealed, 'correct horse');
    const ctx = { scopeBinding: 'a/b', docId: new Uint8Array(16) };
    const dek = new Uint8Array(32).fill(5);
    expect(id!.unwrap(hybrid.identity.recipient.wrap(dek, ctx), ctx)).toEqual(dek);
  });

  it('normalizes the passphrase to NFC', () => {
    const text = encodeKeystore([entries[1]!], 'caf\u00e9', FAST);
    expect(kids(text, 'cafe\u0301')).toEqual([pq.identity.kid]);
  });

  it('never writes the raw secret into a sealed file', () => {
    for (const { secret } of entries) {
      expect(sealed).not.toContain(b64url(secret));
      expect(sealed).not.toContain(Buffer.from(secret).toString('base64'));
      expect(sealed).not.toContain(Buffer.from(secret).toString('hex'));
      expect(sealed).not.toContain(b64url(secret.subarray(0, 12)));
    }
  });

  it('asks for the passphrase through GITSEAL_PASSPHRASE when it is missing or wrong', () => {
    for (const pass of [undefined, '', 'wrong horse']) {
      const e = errorOf(() => decodeKeystore(sealed, pass));
      expect(e.code).toBe('E_PASSPHRASE');
      expect(e.message).toContain('GITSEAL_PASSPHRASE');
    }
  });

  it('lists recipients without the passphrase', () => {
    expect(keystoreRecipients(sealed)).toEqual(entries.map((e) => formatRecipient(e.identity.recipient)));
    expect(keystoreRecipients(plain)).toEqual(keystoreRecipients(sealed));
  });

  it('binds each sealed secret to its kid: swapping two sealed boxes fails', () => {
    const doc = parseDocument(encodeKeystore([entries[0]!, { ...generateIdentity('mlkem1024-x25519'), created: CREATED }], 'pw', FAST));
    const first = doc.getIn(['keys', 0, 'sealed']);
    doc.setIn(['keys', 0, 'sealed'], doc.getIn(['keys', 1, 'sealed']));
    doc.setIn(['keys', 1, 'sealed'], first);
    expect(errorOf(() => decodeKeystore(doc.toString(), 'pw')).code).toBe('E_PASSPHRASE');
  });

  it('rejects a secret that does not belong to its recipient', () => {
    const other = b64url(generateIdentity('mlkem1024').secret);
    const text = plain.replace(`secret: ${b64url(pq.secret)}`, `secret: ${other}`);
    expect(errorOf(() => decodeKeystore(text)).code).toBe('E_KEYSTORE');
  });

  it('rejects malformed files with E_KEYSTORE and does not quote them', () => {
    const secretLine = `secret: ${b64url(pq.secret)}`;
    const bad = [
      '',
      'gitseal-keystore: [',
      `gitseal-keystore: 2\nkeys: []\n`,
      'gitseal-keystore: 1\nkeys: []\n',
      plain.replace('gitseal-keystore: 1', 'gitseal-keystore: 1\ngitseal-keystore: 1'),
      plain.replace('alg: mlkem1024\n', 'alg: rsa\n'),
      plain.replace(`kid: ${pq.identity.kid}`, `kid: ${hybrid.identity.kid}`),
      plain.replace(`kid: ${pq.identity.kid}`, 'kid: org-0000000000000000'),
      plain.replace(secretLine, `${secretLine.slice(0, -2)}`),
      plain.replace(secretLine, `${secretLine}%%`),
      plain.replace(secretLine, ''),
      plain.replace(secretLine, `${secretLine}\n    sealed: {kdf: scrypt}`),
      sealed.replace('N: 1024', 'N: 1000'),
      sealed.replace('N: 1024', 'N: 1073741824'),
      sealed.replace('kdf: scrypt', 'kdf: argon2'),
      sealed.replace(/nonce: [\w-]+/, 'nonce: AAAA'),
    ];
    for (const text of bad) {
      const e = errorOf(() => decodeKeystore(text, 'correct horse'));
      expect(e.code, text.slice(0, 60)).toBe('E_KEYSTORE');
      expect(e.message).not.toContain(b64url(pq.secret).slice(0, 16));
    }
    expect(errorOf(() => keystoreRecipients('nope')).code).toBe('E_KEYSTORE');
    expect(errorOf(() => isKeystoreSealed('keys: 3')).code).toBe('E_KEYSTORE');
  });

  it('refuses misuse when encoding', () => {
    expect(() => encodeKeystore([])).toThrow(RangeError);
    expect(() => encodeKeystore(entries, '', FAST)).toThrow(RangeError);
    expect(() => encodeKeystore(entries, 'pw', { N: 1000, r: 8, p: 1 })).toThrow(RangeError);
    expect(() => encodeKeystore([{ ...entries[0]!, secret: generateIdentity().secret }])).toThrow(RangeError);
  });

  it('uses scrypt N = 2^17 by default', () => {
    const text = encodeKeystore([entries[1]!], 'pw');
    expect(text).toContain('N: 131072');
    expect(kids(text, 'pw')).toEqual([pq.identity.kid]);
  });
});

describe('keystores written before the shared passphrase box', () => {
  const text = readFileSync(new URL('../../test/vectors/passphrase-box/keystore-sealed.yaml', import.meta.url), 'utf8');
  const passphrase = 'correct horse caf\u00e9';

  it('open with the passphrase, in any Unicode normal form', () => {
    expect(kids(text, passphrase)).toEqual(['org-a6cc4975d3633be9', 'org-81962db45b1d198f']);
    expect(kids(text, passphrase.normalize('NFD'))).toEqual(['org-a6cc4975d3633be9', 'org-81962db45b1d198f']);
  });

  it('refuse a missing or wrong passphrase with E_PASSPHRASE', () => {
    for (const pass of [undefined, 'correct horse cafe']) {
      const e = errorOf(() => decodeKeystore(text, pass));
      expect(e.code).toBe('E_PASSPHRASE');
      expect(e.message).toContain('GITSEAL_PASSPHRASE');
    }
  });
});
