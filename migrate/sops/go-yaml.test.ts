/**
 * go-yaml.ts against Go itself: the table was produced by gopkg.in/yaml.v3
 * 3.0.1 (SOPS's YAML parser; go.yaml.in/yaml/v3 since SOPS 3.11 resolves the
 * same way) decoding `v: <spelling>` into an interface{}, with sops.ToBytes
 * of the result, under Go 1.19; the few rules of time.Parse and
 * Time.MarshalText that changed since (SOPS builds with Go 1.24 and later)
 * are checked apart. Properties: every spelling Go accepts for an integer or
 * a timestamp reads as the value it spells.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parseDocument } from 'yaml';
import { goScalar, type GoScalar } from './go-yaml.js';
import { goFloat } from './values.js';

/** Reads `v: <spelling>` as tree.ts does, then as Go would. */
function read(spelling: string): GoScalar {
  const doc = parseDocument(`v: ${spelling}\n`, { uniqueKeys: false, intAsBigInt: true, customTags: ['binary'] });
  if (doc.errors.length) throw new Error(`${spelling}: ${doc.errors[0]!.message}`);
  const node = isMap(doc.contents) ? doc.contents.items[0]?.value : undefined;
  if (!isScalar(node)) throw new Error(`${spelling}: not a scalar`);
  return goScalar(node.tag, node.type === 'PLAIN', node.source ?? String(node.value));
}

/** The Go type and sops.ToBytes of a reading, as the table writes them. */
function show(g: GoScalar): string {
  switch (g.kind) {
    case 'null':
      return 'null';
    case 'str':
      return `str:${g.value}`;
    case 'bool':
      return `bool:${g.value ? 'True' : 'False'}`;
    case 'int':
      return `int:${g.value}`;
    case 'uint64':
      return 'uint64';
    case 'float':
      return `float:${goFloat(g.value)}`;
    case 'time':
      return g.text === undefined ? 'time-unmarshallable' : `time:${g.text}`;
    case 'bytes': {
      const text = Buffer.from(g.value).toString('utf8');
      return Buffer.from(text, 'utf8').equals(Buffer.from(g.value)) ? `str:${text}` : `bytes:${Buffer.from(g.value).toString('hex')}`;
    }
    case 'error':
      return 'error';
  }
}

/** [spelling, what yaml.v3 3.0.1 decodes and sops.ToBytes makes of it]; "error": yaml.v3 refuses it; "uint64": ToBytes refuses it. */
const GO_1_19: ReadonlyArray<readonly [string, string]> = [
  ["017", "int:15"],
  ["0017", "int:15"],
  ["015", "int:13"],
  ["08", "float:8"],
  ["019", "float:19"],
  ["09.5", "float:9.5"],
  ["0", "int:0"],
  ["-0", "int:0"],
  ["00", "int:0"],
  ["1_000", "int:1000"],
  ["1__000", "int:1000"],
  ["-_1", "int:-1"],
  ["1_", "int:1"],
  ["_1", "str:_1"],
  ["0x_1F", "int:31"],
  ["1_2_3.4_5", "float:123.45"],
  ["0b101", "int:5"],
  ["0B101", "int:5"],
  ["-0b101", "int:-5"],
  ["0b-101", "int:-5"],
  ["0b+101", "int:5"],
  ["-0b-101", "str:-0b-101"],
  ["0b", "str:0b"],
  ["0o17", "int:15"],
  ["0O17", "int:15"],
  ["-0o17", "int:-15"],
  ["0o-17", "int:-15"],
  ["0o", "str:0o"],
  ["0x1F", "int:31"],
  ["0X1F", "int:31"],
  ["-0x1F", "int:-31"],
  ["+0x1F", "int:31"],
  ["0x", "str:0x"],
  ["0xg", "str:0xg"],
  ["0x1p3", "str:0x1p3"],
  ["0755", "int:493"],
  ["+12", "int:12"],
  ["-12", "int:-12"],
  ["+0", "int:0"],
  ["9223372036854775807", "int:9223372036854775807"],
  ["9223372036854775808", "uint64"],
  ["18446744073709551615", "uint64"],
  ["18446744073709551616", "float:18446744073709552000"],
  ["-9223372036854775808", "int:-9223372036854775808"],
  ["-9223372036854775809", "float:-9223372036854776000"],
  ["+9223372036854775808", "float:9223372036854776000"],
  ["0xFFFFFFFFFFFFFFFF", "uint64"],
  ["0x10000000000000000", "str:0x10000000000000000"],
  ["0o1777777777777777777777", "uint64"],
  ["02000000000000000000000", "float:2000000000000000000000"],
  ["1.", "float:1"],
  ["1.50", "float:1.5"],
  [".5", "float:0.5"],
  ["+.5", "float:0.5"],
  ["-.5", "float:-0.5"],
  ["5.", "float:5"],
  ["1e3", "float:1000"],
  ["1E3", "float:1000"],
  ["1e+3", "float:1000"],
  ["1_0e1", "float:100"],
  ["1e400", "str:1e400"],
  ["-1e400", "str:-1e400"],
  ["1e-400", "float:0"],
  [".5_0", "float:0.5"],
  ["._5", "str:._5"],
  [".5_", "str:.5_"],
  [".5e1_0", "float:5000000000"],
  [".5e400", "str:.5e400"],
  [".5e-400", "float:0"],
  ["-0.0", "float:-0"],
  [".", "str:."],
  ["..5", "str:..5"],
  ["1.2.3", "str:1.2.3"],
  [".Inf", "float:+Inf"],
  [".inf", "float:+Inf"],
  [".INF", "float:+Inf"],
  ["+.inf", "float:+Inf"],
  ["+.Inf", "float:+Inf"],
  ["-.Inf", "float:-Inf"],
  ["-.INF", "float:-Inf"],
  [".iNf", "str:.iNf"],
  [".NaN", "float:NaN"],
  [".nan", "float:NaN"],
  [".NAN", "float:NaN"],
  ["-.NaN", "str:-.NaN"],
  ["+.nan", "str:+.nan"],
  ["~", "null"],
  ["null", "null"],
  ["Null", "null"],
  ["NULL", "null"],
  ["nULL", "str:nULL"],
  ["true", "bool:True"],
  ["True", "bool:True"],
  ["TRUE", "bool:True"],
  ["tRUE", "str:tRUE"],
  ["false", "bool:False"],
  ["False", "bool:False"],
  ["FALSE", "bool:False"],
  ["yes", "str:yes"],
  ["Yes", "str:Yes"],
  ["YES", "str:YES"],
  ["no", "str:no"],
  ["on", "str:on"],
  ["off", "str:off"],
  ["y", "str:y"],
  ["n", "str:n"],
  ["<<", "str:<<"],
  ["1:2", "str:1:2"],
  ["12:30:45", "str:12:30:45"],
  ["1,000", "str:1,000"],
  ["2001-12-14", "time:2001-12-14T00:00:00Z"],
  ["2001-1-2", "time:2001-01-02T00:00:00Z"],
  ["2001-12-14T21:59:43.10-05:00", "time:2001-12-14T21:59:43.1-05:00"],
  ["2001-12-14t21:59:43.10-05:00", "time:2001-12-14T21:59:43.1-05:00"],
  ["2001-12-14 21:59:43.10", "time:2001-12-14T21:59:43.1Z"],
  ["2001-12-14   21:59:43.10", "time:2001-12-14T21:59:43.1Z"],
  ["2001-12-14 21:59:43.10 -5", "str:2001-12-14 21:59:43.10 -5"],
  ["2001-12-14 21:59:43.10Z", "str:2001-12-14 21:59:43.10Z"],
  ["2001-12-14T21:59:43Z", "time:2001-12-14T21:59:43Z"],
  ["2001-12-14T21:59:43", "str:2001-12-14T21:59:43"],
  ["2001-12-14T21:59:43,5Z", "time:2001-12-14T21:59:43.5Z"],
  ["2001-12-14T1:2:3Z", "time:2001-12-14T01:02:03Z"],
  ["2001-12-14T01:02:03z", "str:2001-12-14T01:02:03z"],
  ["2001-12-14T23:59:59+00:00", "time:2001-12-14T23:59:59Z"],
  ["2001-12-14T23:59:59-00:00", "time:2001-12-14T23:59:59Z"],
  ["2001-12-14T23:59:59+05:60", "time:2001-12-14T23:59:59+06:00"],
  ["2001-12-14T23:59:59+5:00", "str:2001-12-14T23:59:59+5:00"],
  ["2001-12-14T23:59:59.Z", "str:2001-12-14T23:59:59.Z"],
  ["2001-12-14T23:59:59.000000000Z", "time:2001-12-14T23:59:59Z"],
  ["2000-02-29", "time:2000-02-29T00:00:00Z"],
  ["2001-02-29", "str:2001-02-29"],
  ["0000-02-29", "time:0000-02-29T00:00:00Z"],
  ["2001-13-01", "str:2001-13-01"],
  ["2001-00-01", "str:2001-00-01"],
  ["2001-12-32", "str:2001-12-32"],
  ["2001-12-00", "str:2001-12-00"],
  ["2001-12-14T24:00:00Z", "str:2001-12-14T24:00:00Z"],
  ["2001-12-14T23:60:00Z", "str:2001-12-14T23:60:00Z"],
  ["2001-12-14T23:59:60Z", "str:2001-12-14T23:59:60Z"],
  ["20011-12-14", "str:20011-12-14"],
  ["2001-12-14x", "str:2001-12-14x"],
  ["!!int 017", "int:15"],
  ["!!float 1", "float:1"],
  ["!!float 017", "float:15"],
  ["!!float 0x10", "float:16"],
  ["!!int 1.5", "error"],
  ["!!int", "error"],
  ["!!bool yes", "error"],
  ["!!bool True", "bool:True"],
  ["!!null foo", "error"],
  ["!!null ~", "null"],
  ["!!null", "null"],
  ["!!str", "str:"],
  ["!!str 017", "str:017"],
  ["!!str 2001-12-14", "str:2001-12-14"],
  ["!!timestamp 2001-12-14", "time:2001-12-14T00:00:00Z"],
  ["!!timestamp \"2001-12-14\"", "time:2001-12-14T00:00:00Z"],
  ["! 017", "int:15"],
  ["! ~", "null"],
  ["! \"017\"", "str:017"],
  ["!foo 017", "str:017"],
  ["\"017\"", "str:017"],
  ["'017'", "str:017"],
  ["\"~\"", "str:~"],
  ["!!int \"017\"", "int:15"],
  ["!!float \"1_000\"", "float:1000"],
  ["!!float 9223372036854775808", "error"],
  ["!!int 9223372036854775808", "uint64"],
  ["!!float 2001-12-14", "error"],
  ["!!int <<", "error"],
  ["!!merge <<", "str:<<"],
  ["!<tag:yaml.org,2002:int> 017", "int:15"],
  ["!!binary aGVsbG8=", "str:hello"],
  ["!!binary \"aGVs bG8=\"", "error"],
  ["!!binary aGVsbG8", "error"],
  ["!!binary \"aGVs\\nbG8=\"", "str:hello"],
  ["!!binary \"\"", "str:"],
  ["!!binary /w==", "bytes:ff"],
  ["!!map foo", "str:foo"],
];

describe("Go's yaml.v3 reading of a scalar", () => {
  it('matches what yaml.v3 3.0.1 decodes for each spelling (table made by Go)', () => {
    const got = GO_1_19.map(([s]) => [s, show(read(s))]);
    expect(got).toEqual(GO_1_19);
  });

  it("follows the time package of the Go SOPS is built with (1.24+): any number of fraction digits, zone offsets up to 24:60, MarshalText refusing 24 hours", () => {
    expect(show(read('2001-12-14T21:59:43.1234567891Z'))).toBe('time:2001-12-14T21:59:43.123456789Z');
    expect(show(read('2001-12-14 21:59:43,100000000000'))).toBe('time:2001-12-14T21:59:43.1Z');
    expect(show(read('2001-12-14T21:59:43+25:00'))).toBe('str:2001-12-14T21:59:43+25:00');
    expect(show(read('2001-12-14T21:59:43+05:61'))).toBe('str:2001-12-14T21:59:43+05:61');
    expect(show(read('2001-12-14T21:59:43-24:00'))).toBe('time-unmarshallable');
    expect(show(read('2001-12-14T21:59:43+23:60'))).toBe('time-unmarshallable');
    expect(show(read('2001-12-14T21:59:43+23:59'))).toBe('time:2001-12-14T21:59:43+23:59');
  });
});

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** Inserts an underscore after each character where `at` says so (never first: "_1" is a string to Go). */
const underscored = (s: string, at: readonly boolean[]) => [...s].map((c, i) => (i > 0 && at[i] ? `_${c}` : c)).join('');

describe('properties', () => {
  it('an integer in any spelling Go takes (0b/0o/0x in either case, a leading 0 for octal, a sign, underscores) reads as that integer', () => {
    const prefixes: Record<number, readonly string[]> = { 2: ['0b', '0B'], 8: ['0o', '0O', '0'], 10: [''], 16: ['0x', '0X'] };
    fc.assert(
      fc.property(fc.bigInt(INT64), fc.constantFrom(2, 8, 10, 16), fc.nat(2), fc.boolean(), fc.boolean(), fc.array(fc.boolean(), { maxLength: 80 }), (n, base, p, plus, upper, at) => {
        const pre = prefixes[base]![p % prefixes[base]!.length]!;
        const digits = (n < 0n ? -n : n).toString(base);
        const sign = n < 0n ? '-' : plus ? '+' : '';
        const spelling = underscored(sign + pre + (upper ? digits.toUpperCase() : digits), at);
        expect(read(spelling)).toEqual({ kind: 'int', value: n });
      }),
      { numRuns: 400 },
    );
  });

  it('2^63 to 2^64-1 unsigned reads as a uint64 (which SOPS refuses); a signed integer past 64 bits as a float', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 63n, max: 2n ** 64n - 1n }), fc.constantFrom(10, 16), (n, base) => {
        expect(read(base === 16 ? `0x${n.toString(16)}` : n.toString())).toEqual({ kind: 'uint64', value: n });
        expect(read(`-${n + 2n ** 63n}`)).toEqual({ kind: 'float', value: -Number(n + 2n ** 63n) });
      }),
      { numRuns: 200 },
    );
  });

  it('a timestamp in any layout yaml.v3 takes reads as its RFC 3339 form (MarshalText)', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const loose = (n: number, padIt: boolean) => (padIt ? pad(n) : String(n));
    const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    const days = (y: number, m: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
    const fields = fc.record({
      y: fc.integer({ min: 0, max: 9999 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
      h: fc.integer({ min: 0, max: 23 }),
      mi: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      frac: fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 12 }),
      comma: fc.boolean(),
      layout: fc.constantFrom('T', 't', ' ', '   ', 'date'),
      zone: fc.option(fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
      pads: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    });
    fc.assert(
      fc.property(fields, (f) => {
        const d = Math.min(f.d, days(f.y, f.m));
        const [pm, pd, ph, pmi, ps] = f.pads as [boolean, boolean, boolean, boolean, boolean];
        let spelling = `${pad(f.y, 4)}-${loose(f.m, pm)}-${loose(d, pd)}`;
        let want = `${pad(f.y, 4)}-${pad(f.m)}-${pad(d)}T`;
        if (f.layout === 'date') want += '00:00:00Z';
        else {
          spelling += `${f.layout}${loose(f.h, ph)}:${loose(f.mi, pmi)}:${loose(f.s, ps)}${f.frac ? (f.comma ? ',' : '.') + f.frac : ''}`;
          const frac = f.frac.slice(0, 9).replace(/0+$/, '');
          want += `${pad(f.h)}:${pad(f.mi)}:${pad(f.s)}${frac ? `.${frac}` : ''}`;
          // The space-separated layout has no zone: UTC. The T layouts need one: Z or ±hh:mm.
          const z = f.layout.trim() === '' ? 0 : (f.zone ?? 0);
          const zone = z === 0 ? 'Z' : `${z < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(z) / 60))}:${pad(Math.abs(z) % 60)}`;
          if (f.layout.trim() !== '') spelling += f.zone === null ? 'Z' : f.zone === 0 ? '+00:00' : zone;
          want += zone;
        }
        expect(read(spelling)).toEqual({ kind: 'time', text: want });
      }),
      { numRuns: 400 },
    );
  });
});
