/**
 * A CRD's structural schema applied to its custom resources, as the
 * apiextensions apiserver does on every write: prune unknown fields
 * (unless x-kubernetes-preserve-unknown-fields), drop non-nullable nulls,
 * apply defaults, then validate the OpenAPI subset controllers rely on
 * (type, int-or-string, nullable, enum, required, bounds, pattern, list
 * uniqueness). CEL rules (x-kubernetes-validations) are not evaluated.
 */
import { fieldErr, type FieldError, type Obj } from './errors.js';
import { isObj, listTypeOf, type Schema } from './schema.js';
import { clone, deepEqual } from './values.js';

const OBJECT_META_KEYS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Prunes and defaults in place; returns the paths of the unknown fields it dropped (e.g. `spec.foo`). */
export function pruneAndDefault(obj: Obj, schema: Schema): string[] {
  const dropped: string[] = [];
  if (isObj(obj.metadata)) {
    for (const mk of Object.keys(obj.metadata)) {
      if (OBJECT_META_KEYS.has(mk)) continue;
      delete obj.metadata[mk];
      dropped.push(`metadata.${mk}`);
    }
  }
  walk(obj, schema, '', dropped, true);
  return dropped;
}

function walk(v: unknown, s: Schema, path: string, dropped: string[], root = false): void {
  if (isObj(v)) {
    const props = isObj(s.properties) ? s.properties : undefined;
    const extra = isObj(s.additionalProperties) ? s.additionalProperties : undefined;
    const keepAll = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true;
    const embedded = s['x-kubernetes-embedded-resource'] === true;
    for (const k of Object.keys(v)) {
      if ((root || embedded) && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      const at = path ? `${path}.${k}` : k;
      const ps = props && isObj(props[k]) ? (props[k] as Schema) : extra;
      if (!ps) {
        if (!keepAll) {
          delete v[k];
          dropped.push(at);
        }
        continue;
      }
      if (v[k] === null && ps.nullable !== true) {
        delete v[k];
        continue;
      }
      walk(v[k], ps, at, dropped);
    }
    if (props) {
      for (const [k, ps] of Object.entries(props)) {
        if (v[k] === undefined && isObj(ps) && ps.default !== undefined) {
          v[k] = clone(ps.default);
          walk(v[k], ps, path ? `${path}.${k}` : k, dropped);
        }
      }
    }
  } else if (Array.isArray(v) && isObj(s.items)) {
    v.forEach((item, i) => walk(item, s.items as Schema, `${path}[${i}]`, dropped));
  }
}

const typeName = (v: unknown): string =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

function typeOk(v: unknown, s: Schema): boolean {
  if (s['x-kubernetes-int-or-string'] === true) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (s.type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    default:
      return true;
  }
}

export function validateAgainst(obj: Obj, schema: Schema): FieldError[] {
  const errs: FieldError[] = [];
  const props = isObj(schema.properties) ? schema.properties : {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    const ps = props[k];
    if (isObj(ps)) check(v, ps, k, errs);
  }
  for (const r of Array.isArray(schema.required) ? schema.required : []) {
    if (typeof r === 'string' && r !== 'metadata' && obj[r] === undefined) errs.push(fieldErr.required(r));
  }
  return errs;
}

function check(v: unknown, s: Schema, path: string, errs: FieldError[]): void {
  if (v === null) {
    if (s.nullable !== true) errs.push(fieldErr.typeInvalid(path, v, `${path} in body must be of type ${String(s.type ?? 'object')}: "null"`));
    return;
  }
  if (!typeOk(v, s)) {
    const t = s['x-kubernetes-int-or-string'] === true ? 'integer or string' : String(s.type);
    errs.push(fieldErr.typeInvalid(path, v, `${path} in body must be of type ${t}: "${typeName(v)}"`));
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) errs.push(fieldErr.notSupported(path, v, s.enum.map(String)));
  if (typeof v === 'string') {
    if (typeof s.maxLength === 'number' && [...v].length > s.maxLength) errs.push(fieldErr.invalid(path, v, `may not be longer than ${s.maxLength}`));
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) errs.push(fieldErr.invalid(path, v, `${path} in body should be at least ${s.minLength} chars long`));
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errs.push(fieldErr.invalid(path, v, `${path} in body should match '${s.pattern}'`));
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) {
      errs.push(fieldErr.invalid(path, v, `${path} in body should be greater than ${s.exclusiveMinimum === true ? '' : 'or equal to '}${s.minimum}`));
    }
    if (typeof s.maximum === 'number' && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) {
      errs.push(fieldErr.invalid(path, v, `${path} in body should be less than ${s.exclusiveMaximum === true ? '' : 'or equal to '}${s.maximum}`));
    }
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) errs.push({ reason: 'FieldValueTooMany', field: path, message: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
    if (typeof s.minItems === 'number' && v.length < s.minItems) errs.push(fieldErr.invalid(path, v.length, `${path} in body should have at least ${s.minItems} items`));
    checkListUnique(v, s, path, errs);
    if (isObj(s.items)) v.forEach((item, i) => check(item, s.items as Schema, `${path}[${i}]`, errs));
  }
  if (isObj(v)) {
    const props = isObj(s.properties) ? s.properties : {};
    const extra = isObj(s.additionalProperties) ? s.additionalProperties : undefined;
    for (const [k, x] of Object.entries(v)) {
      const ps = isObj(props[k]) ? (props[k] as Schema) : extra;
      if (ps && !(s['x-kubernetes-embedded-resource'] === true && ['apiVersion', 'kind', 'metadata'].includes(k))) check(x, ps, `${path}.${k}`, errs);
    }
    for (const r of Array.isArray(s.required) ? s.required : []) {
      if (typeof r === 'string' && v[r] === undefined) errs.push(fieldErr.required(`${path}.${r}`));
    }
  }
}

function checkListUnique(v: unknown[], s: Schema, path: string, errs: FieldError[]): void {
  const lt = listTypeOf(s);
  if (lt.type === 'atomic') return;
  const seen: unknown[] = [];
  v.forEach((item, i) => {
    const key = lt.type === 'set' ? item : isObj(item) ? lt.keys.map((k) => item[k]) : item;
    if (seen.some((x) => deepEqual(x, key))) errs.push(fieldErr.duplicate(`${path}[${i}]`, key));
    seen.push(key);
  });
}

/** A status subresource write: .status alone against its schema, with paths relative to it (as the apiserver reports them). */
export function validateStatus(obj: Obj, schema: Schema): FieldError[] {
  const props = isObj(schema.properties) ? schema.properties : {};
  const statusSchema = props.status;
  return isObj(statusSchema) && isObj(obj.status) ? validateAgainst(obj.status, statusSchema) : [];
}
