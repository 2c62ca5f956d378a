/**
 * A YAML scalar as Go sops reads it. SOPS's YAML store decodes every scalar
 * node into an interface{} with gopkg.in/yaml.v3 (its fork go.yaml.in/yaml/v3
 * since SOPS 3.11), whose resolver (resolve.go) is YAML 1.1-flavoured and
 * differs from the YAML 1.2 core schema the `yaml` package uses: `017` is
 * octal 15, `1_000` is 1000, `0b101` and `0X1F` are integers, `08` is the
 * float 8, `2001-12-14` is a time.Time, `1e400` is a string. The MAC is over
 * what sops.ToBytes makes of that Go value, and `sops -d` prints that value,
 * so a clear value must be read this way. Written from resolve.go and
 * decode.go (yaml.v3 3.0.1), Go's strconv (ParseInt, ParseUint, ParseFloat)
 * and time (Parse, Time.MarshalText). Pure.
 */

/** The Go value yaml.v3 decodes a scalar into. */
export type GoScalar =
  | { readonly kind: 'null' }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** Go's int (64 bits). */
  | { readonly kind: 'int'; readonly value: bigint }
  /** 2^63 to 2^64-1: a uint64, which SOPS cannot walk ("unknown type: uint64"). */
  | { readonly kind: 'uint64'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  /** A time.Time; `text` is its MarshalText (RFC 3339, nanoseconds trimmed), undefined where MarshalText fails. */
  | { readonly kind: 'time'; readonly text: string | undefined }
  /** !!binary: a Go string of these bytes. */
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  /** yaml.v3 refuses to decode the scalar (an explicit tag it does not fit, bad !!binary). */
  | { readonly kind: 'error'; readonly reason: string };

const LONG_TAG = 'tag:yaml.org,2002:';
const shortTag = (tag: string) => (tag.startsWith(LONG_TAG) ? `!!${tag.slice(LONG_TAG.length)}` : tag);
const RESOLVABLE = new Set(['', '!!str', '!!bool', '!!int', '!!float', '!!null', '!!timestamp']);

const NULL: GoScalar = { kind: 'null' };
const str = (value: string): GoScalar => ({ kind: 'str', value });
const float = (value: number): GoScalar => ({ kind: 'float', value });

/** resolve.go's resolveMap: looked up before anything else. */
const RESOLVE_MAP = new Map<string, GoScalar>();
for (const [v, spellings] of [
  [{ kind: 'bool', value: true }, ['true', 'True', 'TRUE']],
  [{ kind: 'bool', value: false }, ['false', 'False', 'FALSE']],
  [NULL, ['', '~', 'null', 'Null', 'NULL']],
  [float(NaN), ['.nan', '.NaN', '.NAN']],
  [float(Infinity), ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']],
  [float(-Infinity), ['-.inf', '-.Inf', '-.INF']],
  // The merge key: tagged !!merge, decoded as the string "<<".
  [str('<<'), ['<<']],
] as const) {
  for (const s of spellings) RESOLVE_MAP.set(s, v);
}

/** resolve.go's resolveTable: the first byte decides what the scalar may be. */
function hintOf(s: string): 'N' | 'S' | 'D' | 'M' | '.' | undefined {
  if (s === '') return 'N';
  const c = s[0]!;
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * strconv.ParseUint(s, base, 64) for base 0, 2 or 8 and s without
 * underscores (yaml.v3 strips them first): base 0 takes a 0b, 0o or 0x prefix
 * (any case, only with a digit after it) or a leading 0 for octal; no sign.
 */
function parseUint(s: string, base: 0 | 2 | 8): bigint | undefined {
  if (s === '') return undefined;
  let b: number = base;
  let digits = s;
  if (base === 0) {
    b = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? String.fromCharCode(s.charCodeAt(1) | 0x20) : '';
      if (p === 'b' || p === 'o' || p === 'x') {
        b = p === 'b' ? 2 : p === 'o' ? 8 : 16;
        digits = s.slice(2);
      } else {
        b = 8;
        digits = s.slice(1);
      }
    }
  }
  let n = 0n;
  for (let i = 0; i < digits.length; i++) {
    // Go's digits: 0-9, then ASCII letters of either case from 10.
    const c = digits.charCodeAt(i);
    const l = c | 0x20;
    const d = c >= 48 && c <= 57 ? c - 48 : c < 128 && l >= 97 && l <= 122 ? l - 87 : 99;
    if (d >= b) return undefined;
    n = n * BigInt(b) + BigInt(d);
    if (n > UINT64_MAX) return undefined;
  }
  return n;
}

/** strconv.ParseInt(s, base, 64): an optional sign, then ParseUint, within 64 bits. */
function parseInt64(s: string, base: 0 | 2 | 8): bigint | undefined {
  const neg = s.startsWith('-');
  const u = parseUint(s.startsWith('+') || neg ? s.slice(1) : s, base);
  if (u === undefined) return undefined;
  const n = neg ? -u : u;
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** resolve.go's yamlStyleFloat. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's decimal float literals that start with a dot, underscores between digits (what ParseFloat takes for resolve.go's "." hint). */
const DOT_FLOAT = /^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/;

/** strconv.ParseFloat(s, 64) for a decimal literal: undefined where Go answers ErrRange (overflow; underflow gives 0). */
function parseFloat64(decimal: string): number | undefined {
  const n = Number(decimal.replace(/_/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

/** What Go's time.Parse reads from a timestamp in one of yaml.v3's allowedTimestampFormats. */
interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  /** Nanoseconds, as the up to nine digits of the fraction. */
  frac: string;
  /** Offset in minutes east of UTC. */
  offset: number;
}

/** Go's getnum(s, false): one or two digits. */
function getnum(s: string, at: number): [number, number] | undefined {
  const d = (i: number) => (i < s.length && s[i]! >= '0' && s[i]! <= '9' ? s.charCodeAt(i) - 48 : -1);
  const a = d(at);
  if (a < 0) return undefined;
  const b = d(at + 1);
  return b < 0 ? [a, at + 1] : [a * 10 + b, at + 2];
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (m: number, y: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/**
 * One layout of allowedTimestampFormats: "2006-1-2T15:4:5.999999999Z07:00"
 * (sep "T" or "t"), "2006-1-2 15:4:5.999999999" (sep " ": one or more
 * spaces, as Go's skip matches a layout space) or "2006-1-2" (sep undefined).
 */
function parseLayout(s: string, sep: 'T' | 't' | ' ' | undefined): Fields | undefined {
  const year = Number(s.slice(0, 4));
  let i = 5; // the caller checked four digits and a '-'
  const month = getnum(s, i);
  if (!month || s[month[1]] !== '-') return undefined;
  const day = getnum(s, month[1] + 1);
  if (!day) return undefined;
  i = day[1];
  const f: Fields = { year, month: month[0], day: day[0], hour: 0, min: 0, sec: 0, frac: '', offset: 0 };
  if (f.month < 1 || f.month > 12) return undefined;
  if (sep !== undefined) {
    if (sep === ' ') {
      if (s[i] !== ' ') return undefined;
      while (s[i] === ' ') i++;
    } else if (s[i++] !== sep) return undefined;
    const hour = getnum(s, i);
    if (!hour || hour[0] >= 24 || s[hour[1]] !== ':') return undefined;
    const min = getnum(s, hour[1] + 1);
    if (!min || min[0] >= 60 || s[min[1]] !== ':') return undefined;
    const sec = getnum(s, min[1] + 1);
    if (!sec || sec[0] >= 60) return undefined;
    [f.hour, f.min, f.sec] = [hour[0], min[0], sec[0]];
    i = sec[1];
    // ".999999999": a '.' or ',' and any number of digits, of which Go keeps nine.
    const frac = /^[.,]([0-9]+)/.exec(s.slice(i));
    if (frac) {
      f.frac = frac[1]!.slice(0, 9);
      i += frac[0].length;
    }
    if (sep !== ' ') {
      // "Z07:00": Z, or a sign, two digits, ':' and two digits (Go takes up to 24 hours and 60 minutes).
      if (s[i] === 'Z') i++;
      else {
        const tz = /^([+-])([0-9]{2}):([0-9]{2})/.exec(s.slice(i));
        if (!tz || Number(tz[2]) > 24 || Number(tz[3]) > 60) return undefined;
        f.offset = (tz[1] === '-' ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3]));
        i += 6;
      }
    }
  }
  if (i !== s.length) return undefined;
  if (f.day < 1 || f.day > daysIn(f.month, f.year)) return undefined;
  return f;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Time.MarshalText: RFC 3339 with the fraction's trailing zeros cut; an error (undefined) for a zone of 24 hours or more. */
function marshalText(f: Fields): string | undefined {
  const frac = f.frac.padEnd(9, '0').replace(/0+$/, '');
  const abs = Math.abs(f.offset);
  if (Math.floor(abs / 60) >= 24) return undefined;
  const zone = f.offset === 0 ? 'Z' : `${f.offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
  return `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.min, 2)}:${pad(f.sec, 2)}${frac ? `.${frac}` : ''}${zone}`;
}

/** resolve.go's parseTimestamp, formatted as SOPS hashes and prints it. */
function parseTimestamp(s: string): GoScalar | undefined {
  if (!/^[0-9]{4}-/.test(s)) return undefined;
  for (const sep of ['T', 't', ' ', undefined] as const) {
    const f = parseLayout(s, sep);
    if (f) return { kind: 'time', text: marshalText(f) };
  }
  return undefined;
}

/** resolve.go's resolve for an untagged plain scalar (tag "" or a resolvable explicit one). */
function resolvePlain(s: string, timestamps: boolean): GoScalar {
  const hint = hintOf(s);
  if (hint === undefined) return str(s);
  const mapped = RESOLVE_MAP.get(s);
  if (mapped) return mapped;
  if (hint === '.') {
    if (DOT_FLOAT.test(s)) {
      const f = parseFloat64(s);
      if (f !== undefined) return float(f);
    }
    return str(s);
  }
  if (hint !== 'D' && hint !== 'S') return str(s);
  if (timestamps) {
    const t = parseTimestamp(s);
    if (t) return t;
  }
  const plain = s.replace(/_/g, '');
  const int = (n: bigint | undefined): GoScalar | undefined => (n === undefined ? undefined : { kind: 'int', value: n });
  const uint = (n: bigint | undefined): GoScalar | undefined => (n === undefined ? undefined : { kind: 'uint64', value: n });
  const found =
    int(parseInt64(plain, 0)) ??
    uint(parseUint(plain, 0)) ??
    (YAML_STYLE_FLOAT.test(plain) && parseFloat64(plain) !== undefined ? float(parseFloat64(plain)!) : undefined) ??
    // Only reached where ParseInt with base 0 failed: a sign after the prefix ("0b-101").
    (plain.startsWith('0b') ? (int(parseInt64(plain.slice(2), 2)) ?? uint(parseUint(plain.slice(2), 2))) : plain.startsWith('-0b') ? int(parseInt64(`-${plain.slice(3)}`, 2)) : undefined) ??
    (plain.startsWith('0o') ? (int(parseInt64(plain.slice(2), 8)) ?? uint(parseUint(plain.slice(2), 8))) : plain.startsWith('-0o') ? int(parseInt64(`-${plain.slice(3)}`, 8)) : undefined);
  return found ?? str(s);
}

const tagOf = (g: GoScalar): string => {
  switch (g.kind) {
    case 'null':
      return '!!null';
    case 'str':
    case 'bytes':
    case 'error':
      return '!!str';
    case 'bool':
      return '!!bool';
    case 'int':
    case 'uint64':
      return '!!int';
    case 'float':
      return '!!float';
    case 'time':
      return '!!timestamp';
  }
};

/** Go's base64.StdEncoding.DecodeString: padded standard alphabet; it skips '\r' and '\n'. */
function decodeBase64(s: string): Uint8Array | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) return undefined;
  return new Uint8Array(Buffer.from(t, 'base64'));
}

/**
 * The Go value of a scalar node: `tag` is the node's explicit tag (full
 * form, "!" for the non-specific one, undefined for none), `plain` whether it
 * is a plain scalar (not quoted, not a block scalar), `text` its string value.
 */
export function goScalar(tag: string | null | undefined, plain: boolean, text: string): GoScalar {
  // yaml.v3's parser treats the non-specific tag "!" as no tag at all.
  const t = tag && tag !== '!' ? shortTag(tag) : '';
  // Node.indicatedString: !!str, or quoted / block style without a specific tag.
  if (t === '!!str' || (t === '' && !plain)) return str(text);
  if (!RESOLVABLE.has(t)) {
    if (t !== '!!binary') return str(text);
    const b = decodeBase64(text);
    return b ? { kind: 'bytes', value: b } : { kind: 'error', reason: 'is !!binary but not valid base64' };
  }
  const r = resolvePlain(text, t === '' || t === '!!timestamp');
  if (t === '' || tagOf(r) === t) return r;
  // An explicit !!float takes an integer that fits Go's int; any other mismatch is an error.
  if (t === '!!float' && r.kind === 'int') return float(Number(r.value));
  return { kind: 'error', reason: `is tagged ${t} but yaml.v3 reads it as ${tagOf(r)}` };
}
