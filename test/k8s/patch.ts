/**
 * The three non-apply patch formats: JSON merge patch (RFC 7386), JSON
 * patch (RFC 6902) and strategic merge patch (merge patch that merges
 * associative lists by key, unions sets, and honours the `$patch`,
 * `$retainKeys`, `$setElementOrder` and `$deleteFromPrimitiveList`
 * directives kubectl sends).
 */
import { errors, type Obj } from './errors.js';
import { childSchema, isObj, itemSchema, listTypeOf, type Schema } from './schema.js';
import { clone, deepEqual } from './values.js';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

type Op = { op: string; path: string; value?: unknown; from?: string };

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw errors.badRequest(`invalid JSON pointer: ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function container(doc: unknown, tokens: string[], path: string): { parent: Obj | unknown[]; key: string } {
  let node = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(t)];
    else if (isObj(node)) node = node[t];
    else node = undefined;
    if (node === undefined) throw errors.unprocessable(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(node) && !isObj(node)) throw errors.unprocessable(`doc is missing path: "${path}": missing value`);
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function getPtr(doc: unknown, path: string): unknown {
  let node = doc;
  for (const t of pointer(path)) {
    if (Array.isArray(node)) node = node[Number(t)];
    else if (isObj(node)) node = node[t];
    else return undefined;
  }
  return node;
}

function arrayIndex(key: string, len: number, allowEnd: boolean, path: string): number {
  if (allowEnd && key === '-') return len;
  const i = Number(key);
  if (!/^\d+$/.test(key) || i > len || (!allowEnd && i >= len)) throw errors.unprocessable(`Unable to access invalid index: ${key}: invalid index referenced: ${path}`);
  return i;
}

function addPtr(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return clone(value);
  const { parent, key } = container(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true, path), 0, clone(value));
  else parent[key] = clone(value);
  return doc;
}

function removePtr(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  const { parent, key } = container(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, false, path), 1);
  else {
    if (!(key in parent)) throw errors.unprocessable(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObj(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw errors.badRequest('invalid JSON patch operation');
    const op = raw as Op;
    switch (op.op) {
      case 'add':
        doc = addPtr(doc, op.path, op.value);
        break;
      case 'remove':
        doc = removePtr(doc, op.path);
        break;
      case 'replace':
        if (getPtr(doc, op.path) === undefined) throw errors.unprocessable(`replace operation does not apply: doc is missing key: ${op.path}: missing value`);
        doc = addPtr(removePtr(doc, op.path), op.path, op.value);
        break;
      case 'move':
      case 'copy': {
        const v = getPtr(doc, op.from ?? '');
        if (v === undefined) throw errors.unprocessable(`${op.op} operation does not apply: doc is missing from path: ${op.from}: missing value`);
        if (op.op === 'move') doc = removePtr(doc, op.from ?? '');
        doc = addPtr(doc, op.path, v);
        break;
      }
      case 'test':
        if (!deepEqual(getPtr(doc, op.path), op.value)) throw errors.unprocessable(`testing value ${op.path} failed: test failed`);
        break;
      default:
        throw errors.badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

const DELETE = Symbol('delete');

/** Strategic merge patch for built-in kinds, driven by the same list types SSA uses. */
export function strategicMergePatch(target: unknown, patch: unknown, schema: Schema | undefined): unknown {
  const r = smpMap(isObj(target) ? target : {}, isObj(patch) ? patch : {}, schema);
  return r === DELETE ? {} : r;
}

function smpMap(target: Obj, patch: Obj, schema: Schema | undefined): Obj | typeof DELETE {
  const directive = patch.$patch;
  if (directive === 'delete') return DELETE;
  if (directive === 'replace') {
    const out = clone(patch);
    delete out.$patch;
    return out;
  }
  const out: Obj = { ...target };
  const deletions: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      deletions.push([k.slice('$deleteFromPrimitiveList/'.length), Array.isArray(v) ? v : []]);
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const s = childSchema(schema, k);
    const cur = out[k];
    if (isObj(v) && isObj(cur)) {
      const r = smpMap(cur, v, s);
      if (r === DELETE) delete out[k];
      else out[k] = r;
    } else if (Array.isArray(v) && Array.isArray(cur)) {
      out[k] = smpList(cur, v, s);
    } else if (isObj(v)) {
      const r = smpMap({}, v, s);
      if (r === DELETE) delete out[k];
      else out[k] = r;
    } else {
      out[k] = Array.isArray(v) ? stripDirectives(v) : clone(v);
    }
  }
  for (const [k, values] of deletions) {
    const cur = out[k];
    if (Array.isArray(cur)) out[k] = cur.filter((x) => !values.some((d) => deepEqual(d, x)));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

const stripDirectives = (list: unknown[]): unknown[] => list.filter((x) => !(isObj(x) && x.$patch !== undefined)).map((x) => clone(x));

function smpList(target: unknown[], patch: unknown[], schema: Schema | undefined): unknown[] {
  const lt = listTypeOf(schema);
  if (patch.some((x) => isObj(x) && x.$patch === 'replace')) return stripDirectives(patch);
  if (lt.type === 'set') {
    const out = [...target];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(clone(v));
    return out;
  }
  if (lt.type !== 'map' || lt.keys.length === 0) return stripDirectives(patch);
  const key = lt.keys[0] as string;
  const out = [...target];
  for (const item of patch) {
    if (!isObj(item)) continue;
    const i = out.findIndex((x) => isObj(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i < 0) {
      const r = smpMap({}, item, itemSchema(schema));
      if (r !== DELETE) out.push(r);
    } else {
      const r = smpMap(out[i] as Obj, item, itemSchema(schema));
      if (r === DELETE) out.splice(i, 1);
      else out[i] = r;
    }
  }
  return out;
}
