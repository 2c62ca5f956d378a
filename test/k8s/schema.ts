/**
 * Schema navigation shared by server-side apply, strategic merge patch and
 * CRD pruning. Schemas are OpenAPI v3 objects as a CRD's openAPIV3Schema
 * spells them (`properties`, `items`, `additionalProperties`,
 * `x-kubernetes-list-type`, ...); built-in kinds get small hand-written ones
 * for the few lists that are not atomic.
 */
import type { Obj } from './errors.js';

export type Schema = Obj;

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function childSchema(schema: Schema | undefined, field: string): Schema | undefined {
  if (!schema) return undefined;
  const props = schema.properties;
  if (isObj(props) && isObj(props[field])) return props[field];
  const extra = schema.additionalProperties;
  if (isObj(extra)) return extra;
  return undefined;
}

export function itemSchema(schema: Schema | undefined): Schema | undefined {
  return schema && isObj(schema.items) ? schema.items : undefined;
}

/** Lists are atomic unless the schema says `set` or `map` (as for CRDs and untyped values). */
export function listTypeOf(schema: Schema | undefined): ListType {
  const t = schema?.['x-kubernetes-list-type'];
  if (t === 'set') return { type: 'set' };
  if (t === 'map') {
    const keys = schema?.['x-kubernetes-list-map-keys'];
    return { type: 'map', keys: Array.isArray(keys) ? keys.map(String) : [] };
  }
  return { type: 'atomic' };
}

/**
 * Marks a field of a built-in kind that Go always has (a non-pointer struct, or a slice written
 * without omitempty): it exists, empty, even when unset, so a write never adds it as a whole and
 * managedFields never list it as a member (`.`).
 */
export const ALWAYS_PRESENT = 'x-double-always-present';

export const isAlwaysPresent = (schema: Schema | undefined): boolean => schema?.[ALWAYS_PRESENT] === true;

/** A Go non-pointer struct with the given fields (see ALWAYS_PRESENT). */
export const goStruct = (properties: Record<string, Schema> = {}): Schema => ({ type: 'object', properties, [ALWAYS_PRESENT]: true });

/** A map managed as one value (`+structType=atomic`, e.g. ObjectReference). */
export const atomicMap: Schema = { type: 'object', 'x-kubernetes-map-type': 'atomic' };

/** Maps (objects) are granular unless marked `x-kubernetes-map-type: atomic`. */
export const isAtomicMap = (schema: Schema | undefined): boolean => schema?.['x-kubernetes-map-type'] === 'atomic';

const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };

/** ObjectMeta as the field manager and strategic merge patch see it. */
export const METADATA_SCHEMA: Schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: stringMap,
    annotations: stringMap,
    finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    ownerReferences: {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-map-type': 'atomic' },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
    },
    managedFields: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' },
  },
  'x-kubernetes-preserve-unknown-fields': true,
};

export const conditionsSchema: Schema = {
  type: 'array',
  items: { type: 'object' },
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
};

/** A root schema for a built-in kind: its metadata plus the given top-level properties. */
export function builtinSchema(properties: Record<string, Schema> = {}): Schema {
  return { type: 'object', properties: { metadata: METADATA_SCHEMA, ...properties }, 'x-kubernetes-preserve-unknown-fields': true };
}
