/**
 * structured-merge-diff's operations on values, guided by a schema: the
 * field set an applied configuration claims, the comparison of two
 * objects (added / modified / removed paths), the apply merge, and
 * removing a path.
 */
import type { Obj } from './errors.js';
import { FieldSet, fieldEl, indexEl, keyEl, valueEl, type Path, type PathEl } from './fieldset.js';
import { childSchema, isAtomicMap, isAlwaysPresent, isObj, itemSchema, listTypeOf, type Schema } from './schema.js';
import { clone, deepEqual } from './values.js';

const granularMap = (v: unknown, schema: Schema | undefined): v is Obj => isObj(v) && !isAtomicMap(schema);

/** The list's items by path element, or undefined when the list is atomic here. */
export function listElements(list: unknown[], schema: Schema | undefined): Map<PathEl, unknown> | undefined {
  const lt = listTypeOf(schema);
  if (lt.type === 'atomic') return undefined;
  const out = new Map<PathEl, unknown>();
  list.forEach((item, i) => {
    let el: PathEl | undefined;
    if (lt.type === 'set') el = valueEl(item);
    else el = isObj(item) ? keyEl(item, lt.keys) : undefined;
    out.set(el ?? indexEl(i), item);
  });
  return out;
}

/** Apply's view: every leaf, every list item, every empty map. */
export function toFieldSet(value: unknown, schema: Schema | undefined, path: Path = [], out = new FieldSet()): FieldSet {
  if (granularMap(value, schema)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && path.length > 0) out.insert(path);
    for (const k of keys) toFieldSet(value[k], childSchema(schema, k), [...path, fieldEl(k)], out);
    return out;
  }
  if (Array.isArray(value)) {
    const els = listElements(value, schema);
    if (!els || els.size === 0) {
      out.insert(path);
      return out;
    }
    const items = itemSchema(schema);
    for (const [el, item] of els) {
      const p = [...path, el];
      out.insert(p);
      if (granularMap(item, items)) for (const k of Object.keys(item)) toFieldSet(item[k], childSchema(items, k), [...p, fieldEl(k)], out);
    }
    return out;
  }
  out.insert(path);
  return out;
}

/** Every node of a value's tree, the node itself included unless Go always has it (compare's view of an added/removed subtree). */
function allNodes(value: unknown, schema: Schema | undefined, path: Path, out: FieldSet): void {
  if (!isAlwaysPresent(schema)) out.insert(path);
  if (granularMap(value, schema)) {
    for (const k of Object.keys(value)) allNodes(value[k], childSchema(schema, k), [...path, fieldEl(k)], out);
  } else if (Array.isArray(value)) {
    const els = listElements(value, schema);
    if (els) for (const [el, item] of els) allNodes(item, itemSchema(schema), [...path, el], out);
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function compare(oldV: unknown, newV: unknown, schema: Schema | undefined): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(oldV, newV, schema, [], c);
  return c;
}

function walkCompare(oldV: unknown, newV: unknown, schema: Schema | undefined, path: Path, c: Comparison): void {
  let oldEls: Map<PathEl, unknown> | undefined;
  let newEls: Map<PathEl, unknown> | undefined;
  let child: (el: PathEl) => Schema | undefined;
  if (granularMap(oldV, schema) && granularMap(newV, schema)) {
    oldEls = new Map(Object.entries(oldV).map(([k, v]) => [fieldEl(k), v]));
    newEls = new Map(Object.entries(newV).map(([k, v]) => [fieldEl(k), v]));
    child = (el) => childSchema(schema, el.slice(2));
  } else if (Array.isArray(oldV) && Array.isArray(newV) && listTypeOf(schema).type !== 'atomic') {
    oldEls = listElements(oldV, schema);
    newEls = listElements(newV, schema);
    child = () => itemSchema(schema);
  } else {
    if (!deepEqual(oldV, newV)) c.modified.insert(path);
    return;
  }
  if (!oldEls || !newEls) return;
  for (const [el, v] of newEls) {
    if (v === undefined) continue;
    const p = [...path, el];
    if (!oldEls.has(el) || oldEls.get(el) === undefined) allNodes(v, child(el), p, c.added);
    else walkCompare(oldEls.get(el), v, child(el), p, c);
  }
  for (const [el, v] of oldEls) {
    if (v !== undefined && (!newEls.has(el) || newEls.get(el) === undefined)) allNodes(v, child(el), [...path, el], c.removed);
  }
}

/** Apply's merge: maps and associative lists merge item by item, anything else is replaced by the config. */
export function mergeApply(live: unknown, config: unknown, schema: Schema | undefined): unknown {
  if (granularMap(live, schema) && granularMap(config, schema)) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(config)) out[k] = k in live ? mergeApply(live[k], v, childSchema(schema, k)) : clone(v);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config)) {
    const liveEls = listElements(live, schema);
    const cfgEls = listElements(config, schema);
    if (liveEls && cfgEls) {
      const order = [...liveEls.keys()];
      const merged = new Map(liveEls);
      for (const [el, item] of cfgEls) {
        if (!merged.has(el)) order.push(el);
        merged.set(el, merged.has(el) ? mergeApply(merged.get(el), item, itemSchema(schema)) : clone(item));
      }
      return order.map((el) => merged.get(el));
    }
  }
  return clone(config);
}

function findElement(list: unknown[], el: PathEl, schema: Schema | undefined): number {
  if (el.startsWith('i:')) return Number(el.slice(2));
  const els = listElements(list, schema);
  if (!els) return -1;
  return [...els.keys()].indexOf(el);
}

/** The value at path, or undefined. */
export function getAt(root: unknown, path: Path, schema: Schema | undefined): unknown {
  let v = root;
  let s = schema;
  for (const el of path) {
    if (el.startsWith('f:')) {
      if (!isObj(v)) return undefined;
      v = v[el.slice(2)];
      s = childSchema(s, el.slice(2));
    } else {
      if (!Array.isArray(v)) return undefined;
      const i = findElement(v, el, s);
      v = i >= 0 ? v[i] : undefined;
      s = itemSchema(s);
    }
  }
  return v;
}

/** Removes the value at path (a map key or a list item); true when something was removed. */
export function removeAt(root: Obj, path: Path, schema: Schema | undefined): boolean {
  if (path.length === 0) return false;
  const parentPath = path.slice(0, -1);
  const parent = getAt(root, parentPath, schema);
  let parentSchema = schema;
  for (const el of parentPath) parentSchema = el.startsWith('f:') ? childSchema(parentSchema, el.slice(2)) : itemSchema(parentSchema);
  const last = path[path.length - 1] as PathEl;
  if (last.startsWith('f:')) {
    if (!isObj(parent) || !(last.slice(2) in parent)) return false;
    delete parent[last.slice(2)];
    return true;
  }
  if (!Array.isArray(parent)) return false;
  const i = findElement(parent, last, parentSchema);
  if (i < 0) return false;
  parent.splice(i, 1);
  return true;
}
