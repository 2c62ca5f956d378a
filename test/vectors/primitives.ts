/**
 * Primitive-level vectors: padding lengths, the length-prefix encoding,
 * HKDF subkeys, name tokens, value ciphertexts, the MAC and DEK wraps, each
 * computed by core/ from fixed inputs.
 */
import { gcmSeal } from '../../core/crypto/aead.js';
import { b64url, lengthPrefixed } from '../../core/bytes.js';
import type { ErrorCode } from '../../core/errors.js';
import { computeMac, type MacInput } from '../../core/format/mac.js';
import { NameCipher, type Path } from '../../core/format/name-tokens.js';
import { padmeLength, paddedLength } from '../../core/crypto/padding.js';
import type { RecipientStanza } from '../../core/crypto/recipients/types.js';
import { deriveSubkeys } from '../../core/crypto/subkeys.js';
import { NoncePool, sealValue, VALUE_PREFIX } from '../../core/format/values.js';
import { changeChar, fixedKey, hex, identityOf, RANDOM_SPEC, seededRandom, unhex, type KeyName } from './kit.js';

type Expect = { expect: 'success' } | { expect: 'failure'; error: ErrorCode };

export interface ValueVector {
  key: string;
  nonce: string;
  scopeBinding: string;
  docId: string;
  slot: string;
  plaintext?: string;
  sealed: string;
}

export interface MacVector {
  key: string;
  input: Omit<MacInput, 'docId' | 'file' | 'entries'> & { docId: string; file: { fileId: string; after: string | null; last: boolean }; entries: Array<[string, string]> };
  mac: string;
}

export interface WrapVector {
  key: KeyName;
  seed: string;
  dek: string;
  scopeBinding: string;
  docId: string;
  stanza: RecipientStanza;
}

export interface PrimitiveVectors {
  description: string;
  random: string;
  padding: { columns: string[]; rows: number[][] };
  lengthPrefixed: Array<{ fields: string[]; hex: string }>;
  subkeys: Array<{ dek: string; docId: string; values: string; names: string; mac: string }>;
  nameTokens: Array<{ key: string; docId: string; path: Path; token: string } & Expect>;
  values: Array<ValueVector & Expect>;
  mac: Array<MacVector & Expect>;
  wraps: Array<WrapVector & Expect>;
}

/** A NoncePool whose first nonce is `nonce`. */
export const poolWith = (nonce: Uint8Array): NoncePool =>
  new NoncePool((n) => {
    const b = new Uint8Array(n);
    b.set(nonce);
    return b;
  });

const bytes = (label: string, n: number) => seededRandom(`gitseal/vectors/${label}`)(n);

export function computeValue(v: Omit<ValueVector, 'sealed'>): string {
  return sealValue(unhex(v.key), { scopeBinding: v.scopeBinding, docId: unhex(v.docId) }, v.slot, v.plaintext!, poolWith(unhex(v.nonce)));
}

export function computeMacVector(v: Omit<MacVector, 'mac'>): string {
  const { fileId, after, last } = v.input.file;
  return hex(computeMac(unhex(v.key), { ...v.input, docId: unhex(v.input.docId), file: { fileId: unhex(fileId), after: after === null ? null : unhex(after), last } }));
}

export function computeWrap(v: Omit<WrapVector, 'stanza'>): RecipientStanza {
  return identityOf(fixedKey(v.key)).recipient.wrap(unhex(v.dek), { scopeBinding: v.scopeBinding, docId: unhex(v.docId) }, seededRandom(v.seed));
}

function padding(): PrimitiveVectors['padding'] {
  const sizes = [...Array.from({ length: 301 }, (_, i) => i), 511, 512, 1000, 1024, 4095, 4096, 65535, 65536, 1_000_000, 1_048_576];
  return {
    columns: ['n', 'padmeLength(n)', 'paddedLength(n, 32)', 'paddedLength(n, 16)'],
    rows: sizes.map((n) => [n, padmeLength(n), paddedLength(n, 32), paddedLength(n, 16)]),
  };
}

function values(): PrimitiveVectors['values'] {
  const key = hex(bytes('value-key', 32));
  const docId = hex(bytes('doc-id', 16));
  const base = { key, scopeBinding: 'payments/db', docId };
  const plains = ['', 'hunter2', '☃ snowman ünïcode', 'x'.repeat(31), 'x'.repeat(32), 'y'.repeat(300)];
  const out: PrimitiveVectors['values'] = plains.map((plaintext, i) => {
    const v = { ...base, nonce: hex(bytes(`nonce/${i}`, 12)), slot: i === 0 ? 'layout' : `t.slot${i}`, plaintext };
    return { ...v, sealed: computeValue(v), expect: 'success' as const };
  });
  const first = out[1]!;
  const { plaintext: _p, ...noPlain } = first;
  out.push(
    { ...noPlain, sealed: changeChar(first.sealed, 10), expect: 'failure', error: 'E_TAMPERED' },
    { ...noPlain, slot: 't.other', expect: 'failure', error: 'E_TAMPERED' },
    { ...noPlain, scopeBinding: 'payments/*', expect: 'failure', error: 'E_TAMPERED' },
    { ...noPlain, sealed: 'v2.' + first.sealed.slice(3), expect: 'failure', error: 'E_VERSION' },
  );
  // Authentic ciphertext whose plaintext has no 0x80 marker: the padding check must refuse it.
  const aad = lengthPrefixed(['gitseal/value/v1', base.scopeBinding, unhex(docId), 't.bad-padding']);
  const sealed = VALUE_PREFIX + b64url(gcmSeal(unhex(key), unhex(first.nonce), new Uint8Array(32), aad));
  out.push({ ...noPlain, slot: 't.bad-padding', sealed, expect: 'failure', error: 'E_TAMPERED' });
  return out;
}

function nameTokens(): PrimitiveVectors['nameTokens'] {
  const key = hex(bytes('names-key', 32));
  const docId = hex(bytes('doc-id', 16));
  const paths: Path[] = [[], ['stringData', 'password'], ['data', 'tls.crt'], ['spec', 'features', 1], ['ünïcode', '☃'], ['a'.repeat(40), 'b']];
  const names = new NameCipher(unhex(key), unhex(docId));
  const out: PrimitiveVectors['nameTokens'] = paths.map((path) => ({ key, docId, path, token: names.seal(path), expect: 'success' as const }));
  const t = out[1]!.token;
  out.push(
    { key, docId, path: out[1]!.path, token: changeChar(t, 5), expect: 'failure', error: 'E_TAMPERED' },
    { key, docId: hex(bytes('other-doc-id', 16)), path: out[1]!.path, token: t, expect: 'failure', error: 'E_TAMPERED' },
    { key, docId, path: out[1]!.path, token: 'x.' + t.slice(2), expect: 'failure', error: 'E_FORMAT' },
  );
  return out;
}

function macs(): PrimitiveVectors['mac'] {
  const key = hex(bytes('mac-key', 32));
  const input: MacVector['input'] = {
    mode: 'secret',
    scopeBinding: 'payments/db',
    docId: hex(bytes('doc-id', 16)),
    file: { fileId: hex(bytes('file-id', 16)), after: hex(bytes('doc-id-before', 16)), last: true },
    kids: ['org-0123456789abcdef', 'org-fedcba9876543210'],
    readable: '',
    layout: 'v1.bGF5b3V0',
    entries: [['t.YQ', 'v1.MQ'], ['t.Yg', 'v1.Mg']],
  };
  const generic = { ...input, file: { ...input.file, after: null, last: false }, mode: 'generic', scopeBinding: '*', readable: '{"kind":"AppConfig"}', kids: ['org-0123456789abcdef'], entries: [] };
  const ok = [input, generic].map((i) => ({ key, input: i, mac: computeMacVector({ key, input: i }), expect: 'success' as const }));
  const reordered = { ...input, entries: [input.entries[1]!, input.entries[0]!] };
  const moved = { ...input, file: { ...input.file, after: null } };
  return [...ok, ...[reordered, moved].map((i) => ({ key, input: i, mac: ok[0]!.mac, expect: 'failure' as const, error: 'E_TAMPERED' as const }))];
}

function wraps(): PrimitiveVectors['wraps'] {
  const out: PrimitiveVectors['wraps'] = (['hybrid', 'pq'] as const).map((k) => {
    const v = { key: k, seed: `gitseal/vectors/wrap/${k}`, dek: hex(bytes('dek', 32)), scopeBinding: 'payments/db', docId: hex(bytes('doc-id', 16)) };
    return { ...v, stanza: computeWrap(v), expect: 'success' as const };
  });
  const h = out[0]!;
  out.push({ ...h, scopeBinding: 'payments/*', expect: 'failure', error: 'E_TAMPERED' });
  return out;
}

export function primitiveVectors(): PrimitiveVectors {
  const dek = bytes('dek', 32);
  const docId = bytes('doc-id', 16);
  const sub = deriveSubkeys(dek, docId);
  return {
    description: 'Primitive known answers; all byte strings are hex unless a field is a base64url token or ciphertext.',
    random: RANDOM_SPEC,
    padding: padding(),
    lengthPrefixed: [
      { fields: [], hex: '' },
      { fields: [''], hex: hex(lengthPrefixed([''])) },
      { fields: ['gitseal/value/v1', 'ns/name', '☃'], hex: hex(lengthPrefixed(['gitseal/value/v1', 'ns/name', '☃'])) },
    ],
    subkeys: [{ dek: hex(dek), docId: hex(docId), values: hex(sub.values), names: hex(sub.names), mac: hex(sub.mac) }],
    nameTokens: nameTokens(),
    values: values(),
    mac: macs(),
    wraps: wraps(),
  };
}
