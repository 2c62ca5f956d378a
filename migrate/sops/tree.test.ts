/**
 * SOPS YAML and JSON trees against the independent writer (test/helpers/sops-writer.ts,
 * written from Go sops's source): Go's floats and integers, !!binary, comments that do
 * not decrypt, multi-document files and mac_only_encrypted. What the export writes is
 * checked by decrypting its values with @noble/ciphers, not with values.ts.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { codeOf, errorOf } from '../../test/helpers/errors.js';
import { SopsWriter, type Tree } from '../../test/helpers/sops-writer.js';
import { openSops, parseSops, sealSopsTree } from './index.js';
import { encryptValue } from './values.js';

const KEY = new Uint8Array(32).map((_, i) => 31 - i);
const SEAL = { ageKeys: [], lastModified: '2025-01-02T03:04:05Z', version: '3.9.4' };
const te = new TextEncoder();

/** The plaintext bytes and type of the ENC[…] value at top-level key `k` of a SOPS YAML file, decrypted with @noble/ciphers. */
function rawValue(sops: string, k: string): { plain: Uint8Array; type: string } {
  const m = new RegExp(`^${k}: ENC\\[AES256_GCM,data:([^,]*),iv:([^,]+),tag:([^,]+),type:(\\w+)\\]$`, 'm').exec(sops);
  if (!m) throw new Error(`no encrypted value at ${k}`);
  const b = (s: string) => Buffer.from(s, 'base64');
  return { plain: gcm(KEY, b(m[2]!), te.encode(`${k}:`)).decrypt(Buffer.concat([b(m[1]!), b(m[3]!)])), type: m[4]! };
}
const rawText = (sops: string, k: string) => {
  const { plain, type } = rawValue(sops, k);
  return `${Buffer.from(plain).toString('utf8')}:${type}`;
};

const open = (text: string, name?: string) => openSops(parseSops(text, undefined, name), KEY);

describe("Go's floats", () => {
  it('imports +Inf, -Inf and NaN (what Go sops writes for .inf, -.inf, .nan) as .inf, -.inf, .nan, MAC checked', () => {
    const w = new SopsWriter({ key: KEY });
    const text = w.yaml([{ up: { float: Infinity }, down: { float: -Infinity }, nan: { float: NaN }, plain_unencrypted: { float: Infinity }, half: 0.5 }]);
    expect(text).toContain('type:float');
    const out = open(text);
    expect(out.macOk).toBe(true);
    expect(out.plaintext).toBe('up: .inf\ndown: -.inf\nnan: .nan\nplain_unencrypted: .inf\nhalf: 0.5\n');
  });

  it("reads every spelling of Go's ParseFloat specials, and refuses an overflow as Go does", () => {
    const w = new SopsWriter({ key: KEY });
    const doc = (enc: string) => w.yaml([{ x: 1 }]).replace(/^x: .*$/m, `x: ${enc}`);
    for (const [s, v] of [['inf', '.inf'], ['Infinity', '.inf'], ['-inf', '-.inf'], ['nan', '.nan'], ['1e3', '1000.0'], ['.5', '0.5']] as const)
      expect(openSops(parseSops(doc(w.enc(s, 'float', 'x:'))), KEY, { ignoreMac: true }).plaintext).toBe(`x: ${v}\n`);
    for (const s of ['1e400', '+nan', 'one', '0x1p-2', '']) expect(codeOf(() => openSops(parseSops(doc(w.enc(s, 'float', 'x:'))), KEY, { ignoreMac: true }))).toBe('E_SOPS');
  });

  it('exports them as strconv.FormatFloat writes them, so gitseal reads its own export back', () => {
    const s = sealSopsTree('up: .inf\ndown: -.inf\nnan: .NaN\nf: 1.0\ntiny: 1.5e-7\n', KEY, SEAL).text;
    expect(['up', 'down', 'nan', 'f', 'tiny'].map((k) => rawText(s, k))).toEqual(['+Inf:float', '-Inf:float', 'NaN:float', '1:float', '0.00000015:float']);
    const back = open(s);
    expect(back.macOk).toBe(true);
    expect(back.plaintext).toBe('up: .inf\ndown: -.inf\nnan: .nan\nf: 1.0\ntiny: 1.5e-7\n');
  });

  it('refuses a float JSON cannot hold rather than writing null', () => {
    const w = new SopsWriter({ key: KEY });
    const json = w.json({ a: 'x' }).replace('"a": "', `"up": "${w.enc('+Inf', 'float', 'up:')}",\n    "a": "`);
    const e = errorOf(() => openSops(parseSops(json), KEY, { ignoreMac: true }));
    expect(e.code).toBe('E_SOPS');
    expect(e.message).toContain('"up"');
    expect(codeOf(() => sealSopsTree('{"a_unencrypted": .inf}', KEY, SEAL))).toBe('E_UNSUPPORTED');
  });
});

describe('integers', () => {
  it('import exactly up to 64 bits, MAC checked; a type int past 64 bits is refused (E_SOPS), as Go Atoi refuses it', () => {
    const w = new SopsWriter({ key: KEY });
    const text = w.yaml([{ big: 9007199254740993n, min: -9223372036854775808n, max_unencrypted: 9223372036854775807n, small: 7 }]);
    const out = open(text);
    expect(out.macOk).toBe(true);
    expect(out.plaintext).toBe('big: 9007199254740993\nmin: -9223372036854775808\nmax_unencrypted: 9223372036854775807\nsmall: 7\n');
    const tooBig = text.replace(/^small: .*$/m, `small: ${w.enc('12345678901234567890', 'int', 'small:')}`);
    const e = errorOf(() => openSops(parseSops(tooBig), KEY, { ignoreMac: true }));
    expect(e.code).toBe('E_SOPS');
    expect(e.message).not.toContain('1234567890');
  });

  it('export exactly (12345678901234567890 is no longer written as 12345678901234567000): up to 64 bits as type int, past that refused', () => {
    const s = sealSopsTree('big: 9007199254740993\nneg: -9223372036854775808\nkeep_unencrypted: 9223372036854775807\n', KEY, SEAL).text;
    expect([rawText(s, 'big'), rawText(s, 'neg')]).toEqual(['9007199254740993:int', '-9223372036854775808:int']);
    expect(s).toContain('keep_unencrypted: 9223372036854775807\n');
    expect(open(s).plaintext).toBe('big: 9007199254740993\nneg: -9223372036854775808\nkeep_unencrypted: 9223372036854775807\n');
    for (const plain of ['a:\n  b: 12345678901234567890\n', 'x_unencrypted: -9223372036854775809\n']) {
      const e = errorOf(() => sealSopsTree(plain, KEY, SEAL));
      expect(e.code).toBe('E_UNSUPPORTED');
      expect(e.message).toMatch(/"(a\.b|x_unencrypted)"/);
      expect(e.message).not.toMatch(/922337|123456/);
    }
  });

  it('stay exact in JSON, where Go reads every unencrypted number as a float64 for the MAC', () => {
    const s = sealSopsTree('{"a": 9007199254740993, "b_unencrypted": 9007199254740993, "c_unencrypted": 2.5}', KEY, SEAL).text;
    expect(s).toContain('"b_unencrypted": 9007199254740993,');
    const back = open(s, 'x.sops.json');
    expect(back.macOk).toBe(true);
    expect(back.plaintext).toBe('{\n  "a": 9007199254740993,\n  "b_unencrypted": 9007199254740993,\n  "c_unencrypted": 2.5\n}\n');
  });
});

describe('!!binary', () => {
  it('exports as the string of its bytes, as Go sops (yaml.v3 decodes !!binary to a string): no crash', () => {
    const s = sealSopsTree('text: !!binary aGVsbG8=\nraw: !!binary //79\nkeep_unencrypted: !!binary //79\n', KEY, SEAL);
    expect(s.binaryValues).toBe(3);
    expect(rawText(s.text, 'text')).toBe('hello:str');
    expect([...rawValue(s.text, 'raw').plain]).toEqual([0xff, 0xfe, 0xfd]);
    expect(s.text).toContain('keep_unencrypted: !!binary //79\n');
    const back = open(s.text);
    expect(back.macOk).toBe(true);
    // What sops -d shows: text as a string, other bytes as !!binary.
    expect(parse(back.plaintext)).toEqual({ text: 'hello', raw: Buffer.from([0xff, 0xfe, 0xfd]), keep_unencrypted: Buffer.from([0xff, 0xfe, 0xfd]) });
  });

  it('imports a string value that is not UTF-8 as !!binary with its exact bytes, MAC checked; JSON refuses it', () => {
    const w = new SopsWriter({ key: KEY });
    const out = open(w.yaml([{ blob: { bytes: Uint8Array.of(0xff, 0, 0x80) }, name: 'x' }]));
    expect(out.macOk).toBe(true);
    expect(out.plaintext).toMatch(/^blob: !!binary/);
    expect(parse(out.plaintext)).toEqual({ blob: Buffer.from([0xff, 0, 0x80]), name: 'x' });
    const json = w.json({ a: 'x' }).replace('"a": "', `"blob": "${w.enc(Uint8Array.of(0xff), 'str', 'blob:')}",\n    "a": "`);
    expect(codeOf(() => openSops(parseSops(json), KEY, { ignoreMac: true }))).toBe('E_SOPS');
  });
});

describe('comments that do not decrypt', () => {
  it('are kept and counted, for the CLI to warn about (YAML and dotenv); plain and good ones are not counted', () => {
    const w = new SopsWriter({ key: KEY });
    const other = new SopsWriter();
    const text = w
      .yaml([{ a: 'x', b: { c: 'y' } }])
      .replace(/^a:/m, `#${other.enc(' someone else', 'comment', ':')}\n# plain comment\n#${encryptValue(' ours', KEY, ':', undefined, true)}\na:`)
      .replace(/^ {2}c:/m, `  #${w.enc(' wrong path', 'comment', 'zzz:')}\n  c:`);
    const out = open(text);
    expect(out.undecryptedComments).toBe(2);
    expect(out.plaintext).toContain('# ours');
    expect(out.plaintext).toContain('# plain comment');
    expect(out.plaintext.match(/#ENC\[/g)).toHaveLength(2);
    const env = `#${other.enc(' no', 'comment', ':')}\n${w.dotenv({ A: 'b' })}`;
    expect(open(env).undecryptedComments).toBe(1);
    expect(open(w.yaml([{ a: 'x' }])).undecryptedComments).toBe(0);
  });
});

describe('multi-document YAML (the independent writer)', () => {
  const docs: Tree[] = [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' }, stringData: { password: 'one', port: 5432 } },
    { app: { ratio: { float: 0.25 }, on: true, list: ['x', 2, null] } },
    { last: 'three' },
  ];
  const w = new SopsWriter({ key: KEY });
  const text = w.yaml(docs);
  const split = (t: string) => t.split(/^---\n/m);

  it('writes one sops block per document, as Go sops does, and opens to every document, MAC checked', () => {
    expect(text.match(/^sops:$/gm)).toHaveLength(3);
    const out = open(text);
    expect(out.macOk).toBe(true);
    expect((parseAllDocuments(out.plaintext) as unknown as Array<{ toJS(): unknown }>).map((d) => d.toJS())).toEqual([
      docs[0],
      { app: { ratio: 0.25, on: true, list: ['x', 2, null] } },
      docs[2],
    ]);
    expect(out.plaintext).not.toContain('sops');
  });

  it('has one MAC over all documents in order: dropping or swapping a document is refused', () => {
    const parts = split(text);
    expect(codeOf(() => open(parts.slice(0, 2).join('---\n')))).toBe('E_SOPS_MAC');
    expect(codeOf(() => open([parts[0], parts[2], parts[1]].join('---\n')))).toBe('E_SOPS_MAC');
  });

  it("reads the first document's metadata, as Go sops does (yaml.Unmarshal reads the first document)", () => {
    const parts = split(text);
    parts[2] = parts[2]!.replace(/version: 3\.9\.4/, 'version: 9.9.9');
    expect(open(parts.join('---\n')).macOk).toBe(true);
  });
});

describe('mac_only_encrypted (the independent writer)', () => {
  const docs: Tree[] = [
    { metadata: { name: 'db' }, stringData: { password: 'p', port: 1 } },
    { metadata: { name: 'api' }, data: { token: 'dA==' } },
  ];
  const w = new SopsWriter({ key: KEY, encryptedRegex: '^(data|stringData)$', macOnlyEncrypted: true });
  const text = w.yaml(docs);

  it('opens, with the MAC over the encrypted values only, across documents', () => {
    expect(text.match(/mac_only_encrypted: true/g)).toHaveLength(2);
    expect(text).toContain('name: api');
    const out = open(text);
    expect(out.macOk).toBe(true);
    expect((parseAllDocuments(out.plaintext) as unknown as Array<{ toJS(): unknown }>).map((d) => d.toJS())).toEqual(docs);
  });

  it('lets a value left in clear change (the MAC does not cover it), but not an encrypted one, nor the flag', () => {
    const renamed = text.replace('name: api', 'name: other');
    expect(parseAllDocuments(open(renamed).plaintext).length).toBe(2);
    expect(open(renamed).macOk).toBe(true);
    expect(codeOf(() => open(text.replace(/^ {2}token: .*\n/m, '')))).toBe('E_SOPS_MAC');
    expect(codeOf(() => open(text.replace(/mac_only_encrypted: true/, 'mac_only_encrypted: false')))).toBe('E_SOPS_MAC');
    // Without the flag, SOPS's MAC covers the clear values too.
    const all = new SopsWriter({ key: KEY, encryptedRegex: '^(data|stringData)$' }).yaml(docs);
    expect(codeOf(() => open(all.replace('name: api', 'name: other')))).toBe('E_SOPS_MAC');
  });

  it('with the default _unencrypted suffix, leaves the suffixed values out of the MAC', () => {
    const s = new SopsWriter({ key: KEY, macOnlyEncrypted: true }).yaml([{ a: 'x', note_unencrypted: 'free' }]);
    expect(open(s.replace('note_unencrypted: free', 'note_unencrypted: changed')).macOk).toBe(true);
    expect(codeOf(() => open(s.replace(/^a: .*\n/m, '')))).toBe('E_SOPS_MAC');
  });
});
