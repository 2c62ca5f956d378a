/**
 * What the apiserver's JSON decoder refuses before validation ever runs
 * (400 BadRequest, "X in version "v1" cannot be handled as a X: ..."):
 * wrong JSON types for typed fields, illegal base64 in []byte fields,
 * timestamps that do not parse as metav1.Time / metav1.MicroTime (the
 * latter needs exactly six fractional digits). Timestamps are stored the
 * way Go writes them back (UTC).
 */
import { errors, type Obj } from './errors.js';
import { parseGoTime, RFC3339, RFC3339_MICRO } from './go-time.js';
import { isObj } from './schema.js';

export type FieldKind = 'string' | 'int' | 'bool' | 'time' | 'microtime' | 'stringMap' | 'bytesMap' | 'object';

/** Typed fields by dotted path, e.g. `spec.leaseDurationSeconds: 'int'`. */
export type DecodeSpec = Record<string, FieldKind>;

const GO_TYPE: Record<FieldKind, string> = {
  string: 'string',
  int: 'int32',
  bool: 'bool',
  // (metav1.Time and MicroTime unmarshal a JSON string first, so that is the type Go names.)
  time: 'string',
  microtime: 'string',
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
  // An unfinished last quantum: Go names the byte it started at.
  if (chars.length % 4 !== 0) return s.length - (chars.length % 4);
  if (pad >= 0 && chars.length - pad > 2) return (chars[pad] as { i: number }).i;
  return -1;
}

function fail(kind: string, version: string, msg: string): never {
  throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${msg}`);
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
      const t = parseGoTime(v, micro ? RFC3339_MICRO : RFC3339, micro ? 6 : 0);
      return t.ok ? t.iso : fail(kind, version, t.message);
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

/**
 * Checks (and normalizes) each typed field present in obj; null means absent, as in Go. `structs`
 * names the Go struct of nested fields for error messages (`spec` → `LeaseSpec`).
 */
export function decodeTyped(obj: Obj, kind: string, version: string, spec: DecodeSpec, structs: Record<string, string> = {}): void {
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
    const owner = parts.length > 1 ? (structs[parts.slice(0, -1).join('.')] ?? kind) : kind;
    parent[last] = checkField(v, fk, `${owner}.${path}`, kind, version);
  }
}
