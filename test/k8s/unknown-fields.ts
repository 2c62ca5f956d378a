/**
 * What the apiserver's decoder does with fields a built-in kind's Go type
 * does not have: drops them, and reports their paths (for the
 * fieldValidation directive: warnings, or the Strict refusal).
 */
import { isObj } from './schema.js';
import { BUILTIN, type WireType } from './wire-types.js';

function prune(v: unknown, t: WireType, path: string, dropped: string[]): void {
  if (typeof t === 'string') return;
  if ('list' in t) return void (Array.isArray(v) && v.forEach((x, i) => prune(x, t.list, `${path}[${i}]`, dropped)));
  if ('mapOf' in t) return void (isObj(v) && Object.entries(v).forEach(([k, x]) => prune(x, t.mapOf, `${path}[${k}]`, dropped)));
  if (!isObj(v)) return;
  for (const k of Object.keys(v)) {
    const field = t.struct.find((fd) => fd.name === k);
    const at = path ? `${path}.${k}` : k;
    if (field) prune(v[k], field.type, at, dropped);
    else {
      delete v[k];
      dropped.push(at);
    }
  }
}

/** Drops the unknown fields of a built-in kind's object; returns their paths. CRD objects are left alone (their tables are partial). */
export function pruneUnknown(o: Record<string, unknown>): string[] {
  const t = BUILTIN[`${String(o.apiVersion)}/${String(o.kind)}`];
  if (!t || o.kind === 'CustomResourceDefinition') return [];
  const dropped: string[] = [];
  prune(o, t, '', dropped);
  return dropped;
}
