/**
 * What the apiserver's JSON decoder refuses before validation ever runs
 * (400 BadRequest, "X in version "v1" cannot be handled as a X: ..."):
 * wrong JSON types for typed fields, illegal base64 in []byte fields,
 * timestamps that do not parse as metav1.Time / metav1.MicroTime (the
 * latter needs exactly six fractional digits). Timestamps are stored the
 * way Go writes them back (UTC).
 */
import { errors, type Obj } from './errors.js';
import { isObj } from './schema.js';

export type FieldKind = 'string' | 'int' | 'bool' | 'time' | 'microtime' | 'stringMap' | 'bytesMap' | 'object';

/** Typed fields by dotted path, e.g. `spec.leaseDurationSeconds: 'int'`. */
export type DecodeSpec = Record<string, FieldKind>;

const GO_TYPE: Record<FieldKind, string> = {
  string: 'string',
  int: 'int32',
  bool: 'bool',
  time: 'v1.Time',
  microtime: 'v1.MicroTime',
  stringMap: 'map[string]string',
  bytesMap: 'map[string][]uint8',
  object: 'struct',
};

const jsonType = (v: unknown): string =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

/** The index of the first byte Go's base64.StdEncoding refuses, or -1 when the string decodes. */
export function base64ErrorIndex(s: string): number {
  const chars: { c: string; i: number }[] = [];
  for (let i = 0; i < s.length; i++) if (s[i] !== '\r' && s[i] !== '\n') chars.push({ c: s[i] as string, i });
  const alpha = /[A-Za-z0-9+/]/;
  let pad = -1;
  for (let k = 0; k < chars.length; k++) {
    const { c, i } = chars[k] as { c: string; i: number };
    if (c === '=') {
      if (pad < 0) {
        const pos = k % 4;
        if (pos < 2) return i;
        pad = k;
      }
      continue;
    }
    if (pad >= 0 || !alpha.test(c)) return i;
  }
  if (chars.length % 4 !== 0) return s.length;
  if (pad >= 0 && chars.length - pad > 2) return (chars[pad] as { i: number }).i;
  return -1;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

function fail(kind: string, version: string, msg: string): never {
  throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${msg}`);
}

function normalizeTime(v: string, micro: boolean): string {
  const d = new Date(v);
  const iso = d.toISOString();
  if (!micro) return iso.replace(/\.\d+Z$/, 'Z');
  const frac = /\.(\d+)/.exec(v)?.[1] ?? '000000';
  return `${iso.slice(0, 19)}.${frac.padEnd(6, '0').slice(0, 6)}Z`;
}

function checkField(v: unknown, fk: FieldKind, where: string, kind: string, version: string): unknown {
  const typeErr = (): never => fail(kind, version, `json: cannot unmarshal ${jsonType(v)} into Go struct field ${where} of type ${GO_TYPE[fk]}`);
  switch (fk) {
    case 'string':
      return typeof v === 'string' ? v : typeErr();
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : typeErr();
    case 'bool':
      return typeof v === 'boolean' ? v : typeErr();
    case 'object':
      return isObj(v) ? v : typeErr();
    case 'time':
    case 'microtime': {
      if (typeof v !== 'string') return typeErr();
      const micro = fk === 'microtime';
      if (!(micro ? MICRO : TIME).test(v) || Number.isNaN(Date.parse(v))) {
        const layout = micro ? '2006-01-02T15:04:05.000000Z07:00' : '2006-01-02T15:04:05Z07:00';
        fail(kind, version, `parsing time "${v}" as "${layout}": cannot parse "${v.slice(19)}" as "${layout.slice(19)}"`);
      }
      return normalizeTime(v, micro);
    }
    case 'stringMap':
      if (!isObj(v)) return typeErr();
      for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') checkField(x, 'string', `${where}[${k}]`, kind, version);
      return v;
    case 'bytesMap':
      if (!isObj(v)) return typeErr();
      for (const x of Object.values(v)) {
        if (typeof x !== 'string') fail(kind, version, `json: cannot unmarshal ${jsonType(x)} into Go struct field ${where} of type []uint8`);
        const at = base64ErrorIndex(x);
        if (at >= 0) fail(kind, version, `illegal base64 data at input byte ${at}`);
      }
      return v;
  }
}

/** Checks (and normalizes) each typed field present in obj; null means absent, as in Go. */
export function decodeTyped(obj: Obj, kind: string, version: string, spec: DecodeSpec): void {
  for (const [path, fk] of Object.entries(spec)) {
    const parts = path.split('.');
    let parent: unknown = obj;
    for (const p of parts.slice(0, -1)) parent = isObj(parent) ? parent[p] : undefined;
    if (!isObj(parent)) continue;
    const last = parts[parts.length - 1] as string;
    const v = parent[last];
    if (v === undefined) continue;
    if (v === null) {
      delete parent[last];
      continue;
    }
    parent[last] = checkField(v, fk, `${kind}.${path}`, kind, version);
  }
}
