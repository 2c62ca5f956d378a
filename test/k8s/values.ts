/** Small helpers over JSON values. */
import type { Obj } from './errors.js';
import { isObj } from './schema.js';

export const clone = <T>(v: T): T => structuredClone(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** The object's metadata, created if missing. */
export function meta(o: Obj): Obj {
  if (!isObj(o.metadata)) o.metadata = {};
  return o.metadata as Obj;
}

export const metaOf = (o: Obj | undefined): Obj => (o && isObj(o.metadata) ? o.metadata : {});

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export const nowTime = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The object without the given top-level keys (for "did anything but metadata/status change"). */
export function without(o: Obj, ...keys: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}
