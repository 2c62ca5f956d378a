/**
 * Known-answer vectors (docs/CONTRIBUTING.md#rules-for-tests): reads
 * test/vectors/*.json and checks core/ against them. Never writes them; when
 * the format changes on purpose, run `npx tsx test/vectors/generate.ts` and
 * review the diff.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromB64url, lengthPrefixed } from '../core/bytes.js';
import { isGitsealError } from '../core/errors.js';
import { formatRecipient } from '../core/crypto/recipients/index.js';
import { macMatches } from '../core/format/mac.js';
import { NameCipher } from '../core/format/name-tokens.js';
import { paddedLength, padmeLength } from '../core/crypto/padding.js';
import { decryptStream } from '../core/format/stream.js';
import { deriveSubkeys } from '../core/crypto/subkeys.js';
import { openValue } from '../core/format/values.js';
import { allVectorFiles } from './vectors/all.js';
import { writerOfVectors, type SignatureVectorSet } from './vectors/signatures.js';
import { formatWriter, parseWriter } from '../core/crypto/writer-key.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';
import { checkSignature, signedFieldsOf, signedMessage } from '../core/format/signature.js';
import { encryptCase, type FileVectorSet } from './vectors/files.js';
import { hex, identityOf, unhex, VECTOR_DIR, type KeyName, type KeyVector } from './vectors/kit.js';
import { computeMacVector, computeValue, computeWrap, type PrimitiveVectors } from './vectors/primitives.js';

const read = (name: string): string => readFileSync(new URL(name, VECTOR_DIR), 'utf8');
const load = <T>(name: string): T => JSON.parse(read(name)) as T;

/** The error code `f` throws, 'success' when it returns, or a marker that fails any expectation on a code. */
function outcome(f: () => unknown): string {
  try {
    f();
    return 'success';
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
}

const keys = load<{ keys: Record<KeyName, KeyVector> }>('keys.json').keys;
const identities = (names: readonly KeyName[]) => names.map((k) => identityOf(keys[k]));

describe('vector files', () => {
  it('are exactly what core/ produces now (regenerate only on purpose)', () => {
    const built = allVectorFiles();
    const stored = readdirSync(VECTOR_DIR).filter((f) => f.endsWith('.json')).sort();
    expect(stored).toEqual(Object.keys(built).sort());
    const hint = 'differs from what core/ produces; if the format changed on purpose, run `npx tsx test/vectors/generate.ts` and review the diff';
    for (const [name, text] of Object.entries(built)) expect(read(name), `test/vectors/${name} ${hint}`).toBe(text);
  });

  it('keys.json: each secret gives its kid and recipient', () => {
    for (const k of Object.values(keys)) {
      const id = identityOf(k);
      expect(id.kid).toBe(k.kid);
      expect(formatRecipient(id.recipient)).toBe(k.recipient);
    }
  });
});

const FILE_SETS = ['secret.json', 'generic.json', 'multi-document.json', 'json.json', 'mlkem1024.json'];

for (const file of FILE_SETS) {
  describe(file, () => {
    const set = load<FileVectorSet>(file);
    for (const v of set.vectors) {
      it(`${v.name}: ${v.expect}${v.error ? ` ${v.error}` : ''}`, () => {
        if (v.expect === 'success') {
          expect(encryptCase(v)).toBe(v.encrypted);
          expect(decryptStream(v.encrypted, identities(v.decrypt_with))).toBe(v.plaintext);
        } else {
          expect(outcome(() => decryptStream(v.encrypted, identities(v.decrypt_with)))).toBe(v.error);
        }
      });
    }
  });
}

describe('primitives.json', () => {
  const p = load<PrimitiveVectors>('primitives.json');

  it('padding lengths', () => {
    expect(p.padding.rows.length).toBeGreaterThan(300);
    for (const [n, padme, floor32, floor16] of p.padding.rows) {
      expect([padmeLength(n!), paddedLength(n!, 32), paddedLength(n!, 16)], `n = ${n}`).toEqual([padme, floor32, floor16]);
    }
  });

  it('length-prefixed encoding', () => {
    for (const v of p.lengthPrefixed) expect(hex(lengthPrefixed(v.fields))).toBe(v.hex);
  });

  it('HKDF subkeys', () => {
    for (const v of p.subkeys) {
      const k = deriveSubkeys(unhex(v.dek), unhex(v.docId));
      expect([hex(k.values), hex(k.names), hex(k.mac)]).toEqual([v.values, v.names, v.mac]);
    }
  });

  it.each(p.nameTokens.map((v, i) => [i, v] as const))('name token %i', (_, v) => {
    const names = new NameCipher(unhex(v.key), unhex(v.docId));
    if (v.expect === 'success') {
      expect(names.seal(v.path)).toBe(v.token);
      expect(names.open(v.token)).toEqual(v.path);
    } else expect(outcome(() => names.open(v.token))).toBe(v.error);
  });

  it.each(p.values.map((v, i) => [i, v] as const))('value ciphertext %i', (_, v) => {
    const open = () => openValue(unhex(v.key), { scopeBinding: v.scopeBinding, docId: unhex(v.docId) }, v.slot, v.sealed);
    if (v.expect === 'success') {
      expect(computeValue(v)).toBe(v.sealed);
      expect(open()).toBe(v.plaintext);
    } else expect(outcome(open)).toBe(v.error);
  });

  it.each(p.mac.map((v, i) => [i, v] as const))('MAC %i', (_, v) => {
    const { fileId, after, last } = v.input.file;
    const file = { fileId: unhex(fileId), after: after === null ? null : unhex(after), last };
    const matches = macMatches(unhex(v.key), { ...v.input, docId: unhex(v.input.docId), file }, unhex(v.mac));
    expect(matches).toBe(v.expect === 'success');
    if (v.expect === 'success') expect(computeMacVector(v)).toBe(v.mac);
  });

  it.each(p.wraps.map((v, i) => [i, v] as const))('DEK wrap %i', (_, v) => {
    const unwrap = () => identityOf(keys[v.key]).unwrap(v.stanza, { scopeBinding: v.scopeBinding, docId: unhex(v.docId) });
    if (v.expect === 'success') {
      expect(computeWrap(v)).toEqual(v.stanza);
      expect(hex(unwrap()!)).toBe(v.dek);
      expect(fromB64url(v.stanza.dek, 'dek').length).toBe(48);
    } else expect(outcome(unwrap)).toBe(v.error);
  });
});

describe('signatures.json', () => {
  const set = load<SignatureVectorSet>('signatures.json');
  const writer = writerOfVectors(unhex(set.writer.secret));
  const trusted = [{ name: set.writer.name, key: parseWriter(set.writer.key) }];

  it('the writer secret gives the kid and writer string; the first document gives the signed message', () => {
    expect(writer.kid).toBe(set.writer.kid);
    expect(formatWriter(writer)).toBe(set.writer.key);
    const doc = parseEncrypted(set.vectors[0]!.encrypted).docs[0]!;
    expect(hex(signedMessage(signedFieldsOf(doc), writer.kid, set.writer.name))).toBe(set.message);
  });

  it.each(set.vectors.map((v) => [v.name, v] as const))('%s', (_, v) => {
    const checks = parseEncrypted(v.encrypted).docs.map((d) => checkSignature(d, trusted).status);
    if (v.expect === 'trusted') expect(checks).toEqual(checks.map(() => 'trusted'));
    else expect(checks).toContain('invalid');
  });
});
