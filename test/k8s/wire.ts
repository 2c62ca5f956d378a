/**
 * Objects as the apiserver writes them: built-in kinds in their Go
 * struct's field order with every Go map sorted (wire-types.ts), custom
 * resources and anything unstructured with every map's keys sorted
 * (encoding/json sorts map keys by their bytes), lists and watch events
 * likewise. Every response body goes through here, so the stored objects
 * can keep whatever order the writes left them in.
 */
import { isObj } from './schema.js';
import { BUILTIN, BUILTIN_API_VERSIONS, listMeta, type WireType } from './wire-types.js';

const ASTRAL_OR_HIGH = /[\ud800-\uffff]/;

/** Go's order of map keys: their UTF-8 bytes (UTF-16 code units agree unless surrogates are involved). */
function byBytes(a: string, b: string): number {
  if (ASTRAL_OR_HIGH.test(a) || ASTRAL_OR_HIGH.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedKeys(o: Record<string, unknown>): string[] {
  const keys = Object.keys(o);
  for (let i = 1; i < keys.length; i++) if (byBytes(keys[i - 1] as string, keys[i] as string) > 0) return keys.sort(byBytes);
  return keys;
}

export function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(v)) out[k] = sortDeep(v[k]);
  return out;
}

const isZero = (v: unknown): boolean => v === '' || v === 0 || v === false || v === null;

function encode(v: unknown, t: WireType): unknown {
  if (v === null || v === undefined) return v;
  if (t === 'scalar' || t === 'raw') return v;
  if (t === 'sorted') return sortDeep(v);
  if (t === 'map') return isObj(v) ? Object.fromEntries(sortedKeys(v).map((k) => [k, v[k]])) : v;
  if ('list' in t) return Array.isArray(v) ? v.map((x) => encode(x, t.list)) : v;
  if ('mapOf' in t) return isObj(v) ? Object.fromEntries(sortedKeys(v).map((k) => [k, encode(v[k], t.mapOf)])) : v;
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  for (const field of t.struct) {
    const x = v[field.name];
    if (x === undefined) {
      if ('whenAbsent' in field) out[field.name] = isObj(field.whenAbsent) ? encode(field.whenAbsent, field.type) : field.whenAbsent;
    } else if (!(field.omitZero && isZero(x))) out[field.name] = encode(x, field.type);
  }
  // Fields the type does not know (the double keeps some a real server would drop) go last.
  for (const k of Object.keys(v)) if (!(k in out) && !t.struct.some((fd) => fd.name === k) && v[k] !== undefined) out[k] = v[k];
  return out;
}

const typeOf = (apiVersion: unknown, kind: unknown): WireType | undefined => BUILTIN[`${String(apiVersion)}/${String(kind)}`];

/** A response body (object, list or Status) in the apiserver's key order. */
export function toWire(body: unknown): unknown {
  if (!isObj(body)) return body;
  const { apiVersion, kind } = body;
  if (typeof apiVersion === 'string' && !BUILTIN_API_VERSIONS.has(apiVersion)) return sortDeep(body);
  const t = typeOf(apiVersion, kind);
  if (t) return encode(body, t);
  const itemType = typeof kind === 'string' && kind.endsWith('List') ? typeOf(apiVersion, kind.slice(0, -'List'.length)) : undefined;
  if (itemType && Array.isArray(body.items)) {
    const { kind: _k, apiVersion: _a, metadata, items, ...rest } = body;
    return { kind, apiVersion, metadata: encode(metadata ?? {}, listMeta), items: items.map((i) => encode(i, itemType)), ...rest };
  }
  return body;
}

/** A watch event: its object in the apiserver's key order. */
export const watchEventToWire = (type: string, object: unknown): unknown => ({ type, object: toWire(object) });
