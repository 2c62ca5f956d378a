/**
 * Clear values and keys of SOPS YAML files, imported as Go sops reads them:
 * the independent writer (test/helpers/sops-writer.ts) writes a value
 * spelled as a test chooses and hashes what the test says Go reads (the
 * spellings' Go values are the ones yaml.v3 itself gives, see
 * go-yaml.test.ts), and the import must check that MAC and write that value
 * (what `sops -d` prints). A spelling edited to one the YAML 1.2 core schema
 * reads as the old value but Go does not must be refused. And export sops
 * writes a clear string so that Go reads that string back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { codeOf, errorOf } from '../../test/helpers/errors.js';
import { plain, SopsWriter, type PlainLeaf } from '../../test/helpers/sops-writer.js';
import { openSops, parseSops, sealSopsTree } from './index.js';
import { goScalar } from './go-yaml.js';

const KEY = new Uint8Array(32).map((_, i) => 7 * i + 1);
const writer = (o: ConstructorParameters<typeof SopsWriter>[0] = {}) => new SopsWriter({ key: KEY, ...o });
const open = (text: string) => openSops(parseSops(text), KEY);
const valueOf = (text: string, key = 'v_unencrypted'): unknown => (parse(open(text).plaintext, { intAsBigInt: true }) as Record<string, unknown>)[key];

/** [spelling, what Go reads, the line gitseal writes]. */
const CASES: ReadonlyArray<readonly [string, PlainLeaf['go'], string]> = [
  ['017', 15, '15'],
  ['0017', 15, '15'],
  ['015', 13, '13'],
  ['08', { float: 8 }, '8.0'],
  ['1_000', 1000, '1000'],
  ['0b101', 5, '5'],
  ['0B101', 5, '5'],
  ['0b-101', -5, '-5'],
  ['0o17', 15, '0o17'],
  ['0X1F', 31, '31'],
  ['-0x1F', -31, '-31'],
  ['+12', 12, '12'],
  ['.5_0', { float: 0.5 }, '0.5'],
  ['1_0.5', { float: 10.5 }, '10.5'],
  ['2001-12-14', '2001-12-14T00:00:00Z', '2001-12-14T00:00:00Z'],
  ['2001-12-14T21:59:43.10-05:00', '2001-12-14T21:59:43.1-05:00', '2001-12-14T21:59:43.1-05:00'],
  ['2001-12-14t21:59:43+00:00', '2001-12-14T21:59:43Z', '2001-12-14T21:59:43Z'],
  ['2001-12-14 21:59:43,10', '2001-12-14T21:59:43.1Z', '2001-12-14T21:59:43.1Z'],
  ['.Inf', { float: Infinity }, '.inf'],
  ['+.INF', { float: Infinity }, '.inf'],
  ['-.Inf', { float: -Infinity }, '-.inf'],
  ['.NaN', { float: NaN }, '.nan'],
  // Strings yaml.v3 itself writes plain (they resolve to strings in Go), which YAML 1.2 reads as numbers.
  ['1e400', '1e400', '"1e400"'],
  ['.5e400', '.5e400', '".5e400"'],
  ['0x10000000000000000', '0x10000000000000000', '"0x10000000000000000"'],
  ['~', null, '~'],
  ['Null', null, 'Null'],
  ['NULL', null, 'NULL'],
  ['True', true, 'True'],
  ['TRUE', true, 'TRUE'],
  ['yes', 'yes', 'yes'],
  ['No', 'No', 'No'],
  ['18446744073709551616', { float: 18446744073709551616 }, '18446744073709552000.0'],
  ['9223372036854775807', 9223372036854775807n, '9223372036854775807'],
  ['! 017', 15, '15'],
  ['!!int "017"', 15, '15'],
  ['!!float 1', { float: 1 }, '1.0'],
  ['!!binary aGVsbG8=', 'hello', 'hello'],
  ['"017"', '017', '"017"'],
  ["'2001-12-14'", '2001-12-14', "'2001-12-14'"],
];

describe('clear YAML values are imported as Go sops reads them', () => {
  it.each(CASES)('%s: the MAC Go computed matches, and gitseal writes what sops -d prints', (spelling, go, line) => {
    const text = writer().yaml([{ secret: 's3cr3t', v_unencrypted: plain(spelling, go) }]);
    expect(text).toContain(`v_unencrypted: ${spelling}\n`);
    const out = open(text);
    expect(out.macOk).toBe(true);
    expect(out.plaintext).toBe(`secret: s3cr3t\nv_unencrypted: ${line}\n`);
  });

  it('in a Kubernetes Secret encrypted with encrypted_regex, clear metadata (dates, octal, underscores) is read as Go reads it, in sequences too', () => {
    const w = writer({ encryptedRegex: '^(data|stringData)$' });
    const text = w.yaml([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', annotations: { expiry: plain('2031-01-01', '2031-01-01T00:00:00Z'), replicas: plain('017', 15) }, labels: { rev: plain('1_000', 1000) } },
        spec: { ports: [plain('0x50', 80), plain('0o10', 8), plain('010', 8)] },
        stringData: { password: 'hunter2' },
      },
    ]);
    const out = open(text);
    expect(out.macOk).toBe(true);
    const doc = parse(out.plaintext) as { metadata: { annotations: Record<string, unknown>; labels: Record<string, unknown> }; spec: { ports: unknown[] }; stringData: { password: string } };
    expect(doc.metadata.annotations).toEqual({ expiry: '2031-01-01T00:00:00Z', replicas: 15 });
    expect(doc.metadata.labels).toEqual({ rev: 1000 });
    expect(doc.spec.ports).toEqual([80, 8, 8]);
    expect(doc.stringData.password).toBe('hunter2');
  });

  it('with mac_only_encrypted, clear values are out of the MAC but still imported as Go reads them', () => {
    const text = writer({ macOnlyEncrypted: true }).yaml([{ a: 'x', n_unencrypted: plain('0b11', 3), d_unencrypted: plain('2001-1-2', '2001-01-02T00:00:00Z') }]);
    expect(open(text).plaintext).toBe('a: x\nn_unencrypted: 3\nd_unencrypted: 2001-01-02T00:00:00Z\n');
  });

  it('a JSON file keeps JSON rules: its strings are never re-read', () => {
    const text = writer().json({ a_unencrypted: '017', b_unencrypted: '2001-12-14', c: 'x' });
    expect(JSON.parse(open(text).plaintext)).toEqual({ a_unencrypted: '017', b_unencrypted: '2001-12-14', c: 'x' });
  });
});

describe('what Go sops refuses, gitseal refuses (E_SOPS), never quoting the value', () => {
  const refused = (spelling: string, path = 'v_unencrypted') => {
    const text = writer().yaml([{ v_unencrypted: plain(spelling, 'unused') }]);
    const e = errorOf(() => open(text));
    expect(e.code).toBe('E_SOPS');
    expect(e.message).toContain(`"${path}"`);
    expect(e.message).not.toContain(spelling);
    return e.message;
  };

  it('an integer from 2^63 to 2^64-1, which yaml.v3 reads as a uint64 that SOPS cannot hash', () => {
    expect(refused('9223372036854775808')).toContain('uint64');
    refused('0xFFFFFFFFFFFFFFFF');
  });

  it('a timestamp whose zone is 24 hours or more, which Time.MarshalText refuses', () => {
    refused('2001-12-14T21:59:43+24:00');
    refused('2001-12-14T21:59:43-23:60');
  });

  it('a scalar yaml.v3 cannot decode: a tag it does not fit, !!binary that is not base64', () => {
    refused('!!int 1.5');
    refused('!!bool yes');
    refused('!!binary aGVsbG8');
  });

  it('a mapping key Go reads as anything but a string (SOPS: "Tree contains a non-string key"); a quoted one is fine', () => {
    // Keys are not in the MAC: renaming one in a genuine file leaves its MAC good.
    const base = writer().yaml([{ a_unencrypted: { k: 'x', l: 'y' } }]);
    const withKey = (k: string, l = 'l') => base.replace(/^ {2}k: /m, `  ${k}: `).replace(/^ {2}l: /m, `  ${l}: `);
    for (const key of ['017', '1', '1.5', 'true', '~', 'null', '2001-12-14', '0b1', '!!binary /w==']) expect(codeOf(() => open(withKey(key))), key).toBe('E_SOPS');
    const e = errorOf(() => open(withKey('2001-12-14')));
    expect(e.message).toContain('"a_unencrypted"');
    expect(e.message).toContain('a timestamp');
    // Quoted, or a string to Go (yes, 1_0_0x): the key is its text.
    expect(open(withKey('"017"', 'yes')).plaintext).toBe('a_unencrypted:\n  "017": x\n  yes: y\n');
    expect(open(withKey("'2001-12-14'", '1_0_0x')).plaintext).toBe("a_unencrypted:\n  '2001-12-14': x\n  1_0_0x: y\n");
  });

  it('an encrypted value of a type gitseal does not know (SOPS 3.10+ encrypts a timestamp with its own), named in the message', () => {
    const w = writer();
    const text = w.yaml([{ x: 'a', y: 'b' }]).replace(/^x: .*$/m, `x: ${w.enc('2031-01-01T00:00:00Z', 'time', 'x:')}`);
    const e = errorOf(() => openSops(parseSops(text), KEY, { ignoreMac: true }));
    expect(e.code).toBe('E_SOPS');
    expect(e.message).toContain('the type "time"');
    expect(e.message).not.toContain('2031');
  });

  it('a %YAML directive for a version other than 1.1, which yaml.v3 calls incompatible', () => {
    const text = writer().yaml([{ a: 'x' }]);
    expect(codeOf(() => open(`%YAML 1.2\n---\n${text}`))).toBe('E_SOPS');
    expect(open(`%YAML 1.1\n---\n${text}`).macOk).toBe(true);
  });
});

describe('a clear value edited to a spelling YAML 1.2 reads as the old value but Go does not is refused (E_SOPS_MAC)', () => {
  /** A genuine file with `spelling` (Go: `go`), then the same file with the value's text replaced by `edited`. */
  const edit = (spelling: string, go: PlainLeaf['go'], edited: string) => {
    const text = writer().yaml([{ secret: 'x', n_unencrypted: plain(spelling, go) }]);
    expect(open(text).macOk).toBe(true);
    return text.replace(`n_unencrypted: ${spelling}\n`, `n_unencrypted: ${edited}\n`);
  };

  it('017 (Go: 15) edited to 015, which YAML 1.2 reads as 15 and Go as 13', () => {
    const edited = edit('017', 15, '015');
    const e = errorOf(() => open(edited));
    expect(e.code).toBe('E_SOPS_MAC');
  });

  it('17 edited to 017; a quoted "1_000", "0b101" or "2001-12-14" (as yaml.v3 writes such strings) unquoted', () => {
    const edits = [edit('17', 17, '017'), edit('"1_000"', '1_000', '1_000'), edit('"0b101"', '0b101', '0b101'), edit('"2001-12-14"', '2001-12-14', '2001-12-14'), edit('2001-12-14', '2001-12-14T00:00:00Z', '2001-12-15')];
    for (const edited of edits) expect(codeOf(() => open(edited))).toBe('E_SOPS_MAC');
  });

  it('a spelling Go reads as the same value is accepted, as SOPS accepts it', () => {
    expect(valueOf(edit('017', 15, '0xF'), 'n_unencrypted')).toBe(15n);
    expect(valueOf(edit('2001-12-14', '2001-12-14T00:00:00Z', '2001-12-14T00:00:00Z'), 'n_unencrypted')).toBe('2001-12-14T00:00:00Z');
  });
});

describe('export sops writes clear strings and keys so that Go reads them as gitseal does', () => {
  const SEAL = { ageKeys: [], lastModified: '2025-01-02T03:04:05Z', version: '3.9.4' };

  it('quotes a string Go would read as something else when plain (1_000, 0b101, .5_0, a date), keeps the rest as they were', () => {
    const plaintext = 'a_unencrypted: "1_000"\nb_unencrypted: "2001-12-14"\nc_unencrypted: 0b101\nd_unencrypted: .5_0\ne_unencrypted: yes\nn_unencrypted: 017\n"0b1": x\n';
    const text = sealSopsTree(plaintext, KEY, SEAL).text;
    expect(text).toContain('a_unencrypted: "1_000"\nb_unencrypted: "2001-12-14"\nc_unencrypted: "0b101"\nd_unencrypted: ".5_0"\ne_unencrypted: yes\nn_unencrypted: 17\n"0b1": ENC[');
    // Each clear line, read as yaml.v3 reads it, is the string (or number) gitseal hashed.
    for (const line of text.split('\n').filter((l) => /^[a-n]_unencrypted: /.test(l))) {
      const spelled = line.slice(line.indexOf(': ') + 2);
      const quoted = /^"/.test(spelled);
      const g = goScalar(undefined, !quoted, quoted ? (JSON.parse(spelled) as string) : spelled);
      expect(g.kind === 'str' || g.kind === 'int', line).toBe(true);
    }
    const back = open(text);
    expect(back.macOk).toBe(true);
    expect(parse(back.plaintext)).toEqual(parse(plaintext));
  });

  it('refuses a key that is not a string (SOPS would refuse the file), E_UNSUPPORTED', () => {
    for (const k of ['1', 'true', '~', '1.5']) expect(codeOf(() => sealSopsTree(`a:\n  ${k}: x\n`, KEY, SEAL)), k).toBe('E_UNSUPPORTED');
    expect(errorOf(() => sealSopsTree('a:\n  1: x\n', KEY, SEAL)).message).toContain('"a"');
    // JSON keys are strings.
    expect(open(sealSopsTree('{"1": "x"}', KEY, SEAL).text).macOk).toBe(true);
  });
});

describe('properties', () => {
  const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

  it('an integer in any spelling Go takes imports as that integer, its MAC checked', () => {
    const spellings = (n: bigint) => {
      const a = n < 0n ? -n : n;
      const s = n < 0n ? '-' : '';
      return fc.constantFrom(`${s}0x${a.toString(16)}`, `${s}0X${a.toString(16).toUpperCase()}`, `${s}0b${a.toString(2)}`, `${s}0o${a.toString(8)}`, `${s}0${a.toString(8)}`, `${s}${a.toString(10)}`, `${n < 0n ? '-' : '+'}${a.toString(10)}`);
    };
    const arb = fc.bigInt(INT64).chain((n) => fc.tuple(fc.constant(n), spellings(n), fc.nat()));
    fc.assert(
      fc.property(arb, ([n, spelling, at]) => {
        // An underscore anywhere but first: yaml.v3 drops them all.
        const i = 1 + (at % spelling.length);
        const withUnderscore = `${spelling.slice(0, i)}_${spelling.slice(i)}`;
        for (const s of [spelling, withUnderscore]) expect(valueOf(writer().yaml([{ v_unencrypted: plain(s, n) }]))).toBe(n);
      }),
      { numRuns: 60 },
    );
  });

  it('a decimal n edited to 0n is accepted only where Go reads the same number (an 8 or 9 makes it the float n), else refused', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), (n) => {
        const genuine = writer().yaml([{ v_unencrypted: plain(String(n), n) }]);
        const edited = genuine.replace(`v_unencrypted: ${n}\n`, `v_unencrypted: 0${n}\n`);
        const octal = /^[0-7]+$/.test(String(n));
        if (octal && n >= 8n) expect(codeOf(() => open(edited))).toBe('E_SOPS_MAC');
        else expect(Number(valueOf(edited))).toBe(Number(n));
      }),
      { numRuns: 60 },
    );
  });
});
