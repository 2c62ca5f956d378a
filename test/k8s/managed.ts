/**
 * managedFields bookkeeping: decoding and encoding the entries, and the
 * field manager's two operations, Update (any non-apply write: the writer
 * takes the fields it changed) and Apply (server-side apply: merge, prune
 * what the applier stopped applying, refuse to take fields from other
 * managers unless forced), after structured-merge-diff's Updater.
 */
import { ApiError, type Obj } from './errors.js';
import { compare, getAt, mergeApply, removeAt, toFieldSet } from './fieldwalk.js';
import { FieldSet, pathString, startsWith, type Path } from './fieldset.js';
import { isObj, type Schema } from './schema.js';
import { clone, deepEqual, nowTime } from './values.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Entries by manager identity (name, operation, subresource, and apiVersion for updaters). */
export type Managed = Map<string, ManagerEntry>;

export function identity(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Update' ? e.apiVersion : '', e.subresource ?? '']);
}

export function decodeManaged(obj: Obj | undefined): Managed {
  const out: Managed = new Map();
  const list = isObj(obj?.metadata) ? (obj.metadata as Obj).managedFields : undefined;
  if (!Array.isArray(list)) return out;
  for (const raw of list) {
    if (!isObj(raw) || typeof raw.manager !== 'string') continue;
    const e: ManagerEntry = {
      manager: raw.manager,
      operation: raw.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : '',
      set: FieldSet.fromFieldsV1(raw.fieldsV1),
    };
    if (typeof raw.subresource === 'string' && raw.subresource) e.subresource = raw.subresource;
    if (typeof raw.time === 'string' && !Number.isNaN(Date.parse(raw.time))) e.time = new Date(raw.time).toISOString().replace(/\.\d+Z$/, 'Z');
    out.set(identity(e), e);
  }
  return out;
}

/**
 * The managed fields a non-apply write brings along (the apiserver honours them, so clients can
 * edit managedFields; `[{}]` clears them); undefined when absent or empty, meaning "keep the live ones".
 */
export function managedFromWrite(obj: Obj): Managed | undefined {
  const list = isObj(obj.metadata) ? (obj.metadata as Obj).managedFields : undefined;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  if (list.length === 1 && isObj(list[0]) && Object.keys(list[0]).length === 0) return new Map();
  const m = decodeManaged(obj);
  return m.size > 0 ? m : undefined;
}

/** Encoded and sorted like the apiserver: Apply before Update, then by time, manager, apiVersion. */
export function encodeManaged(m: Managed): Obj[] {
  const entries = [...m.values()].filter((e) => !e.set.isEmpty());
  entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      cmp(p.time ?? '', q.time ?? '') ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return entries.map((e) => {
    const o: Obj = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) o.time = e.time;
    o.fieldsType = 'FieldsV1';
    o.fieldsV1 = e.set.toFieldsV1();
    if (e.subresource) o.subresource = e.subresource;
    return o;
  });
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface FieldContext {
  schema: Schema;
  apiVersion: string;
  /** 'status' for writes through the status subresource. */
  subresource?: string;
  /** The main resource may not own .status (its status subresource does). */
  statusIsSubresource: boolean;
}

const UNMANAGED_META = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'];

/** Whether a path may be owned by this operation (the apiserver strips identity fields and reset fields). */
function managedPath(p: Path, ctx: FieldContext): boolean {
  const [a, b] = p;
  if (a === undefined || a === 'f:apiVersion' || a === 'f:kind') return false;
  if (a === 'f:metadata' && (b === undefined || UNMANAGED_META.includes(b.slice(2)))) return false;
  if (ctx.subresource === 'status') return a === 'f:status';
  if (ctx.statusIsSubresource && a === 'f:status') return false;
  return true;
}

const managedOnly = (s: FieldSet, ctx: FieldContext): FieldSet => s.filter((p) => managedPath(p, ctx));

function withoutManagedFields(o: Obj | undefined): Obj {
  const c = clone(o ?? {});
  if (isObj(c.metadata)) delete (c.metadata as Obj).managedFields;
  return c;
}

/** The Update operation: the writer takes what it added or modified; removed fields leave every set. */
export function recordUpdate(live: Obj | undefined, next: Obj, managed: Managed, manager: string, ctx: FieldContext): Managed {
  const c = compare(withoutManagedFields(live), withoutManagedFields(next), ctx.schema);
  const taken = managedOnly(c.added.union(c.modified), ctx);
  const removed = c.removed;
  const out: Managed = new Map();
  for (const [k, e] of managed) {
    const set = e.set.difference(taken).difference(removed);
    if (!set.isEmpty()) out.set(k, { ...e, set });
  }
  if (!taken.isEmpty()) {
    const self: ManagerEntry = { manager, operation: 'Update', apiVersion: ctx.apiVersion, set: taken, time: nowTime() };
    if (ctx.subresource) self.subresource = ctx.subresource;
    const key = identity(self);
    const prev = out.get(key);
    if (prev) self.set = prev.set.union(taken);
    out.set(key, self);
  }
  return out;
}

export interface ApplyResult {
  obj: Obj;
  managed: Managed;
}

/** The Apply operation. Throws a 409 Conflict naming the contested fields unless force is set. */
export function recordApply(live: Obj | undefined, config: Obj, managed: Managed, manager: string, force: boolean, ctx: FieldContext): ApplyResult {
  const liveClean = withoutManagedFields(live);
  const cfg = withoutManagedFields(config);
  const self: ManagerEntry = { manager, operation: 'Apply', apiVersion: ctx.apiVersion, set: managedOnly(toFieldSet(cfg, ctx.schema), ctx) };
  if (ctx.subresource) self.subresource = ctx.subresource;
  const key = identity(self);
  const last = managed.get(key);

  const merged = mergeApply(liveClean, cfg, ctx.schema) as Obj;
  const next: Managed = new Map(managed);
  next.set(key, self);
  if (last) prune(merged, last.set, next, ctx.schema);

  const c = compare(liveClean, merged, ctx.schema);
  const changed = managedOnly(c.added.union(c.modified), ctx);
  const conflicts: { entry: ManagerEntry; path: Path }[] = [];
  for (const [k, e] of next) {
    if (k === key) continue;
    for (const p of e.set.intersection(changed).paths()) conflicts.push({ entry: e, path: p });
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  const out: Managed = new Map();
  for (const [k, e] of next) {
    const set = k === key ? e.set : e.set.difference(changed).difference(c.removed);
    if (!set.isEmpty()) out.set(k, { ...e, set });
  }
  const objectChanged = !deepEqual(liveClean, merged);
  const entry = out.get(key);
  if (entry) entry.time = objectChanged || !last || !last.set.equals(self.set) ? nowTime() : last.time;
  return { obj: merged, managed: out };
}

/** Removes what the applier owned last time and no longer applies, unless someone else still owns it. */
function prune(merged: Obj, lastSet: FieldSet, managed: Managed, schema: Schema): void {
  let owned = new FieldSet();
  for (const e of managed.values()) owned = owned.union(e.set);
  const gone = lastSet.difference(owned).paths();
  gone.sort((a, b) => b.length - a.length);
  for (const p of gone) {
    if (owned.paths().some((o) => startsWith(o, p))) continue; // a descendant is still owned
    if (!removeAt(merged, p, schema)) continue;
    // Parents left empty by the removal go too, unless owned in their own right.
    for (let n = p.length - 1; n >= 1; n--) {
      const parentPath = p.slice(0, n);
      if (n === 1 && parentPath[0] === 'f:metadata') break;
      const v = getAt(merged, parentPath, schema);
      const empty = (isObj(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);
      if (!empty || owned.touches(parentPath)) break;
      removeAt(merged, parentPath, schema);
    }
  }
}

function printManager(e: ManagerEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

/** A 409 from Apply that still knows which paths conflicted. */
export class ApplyConflict extends ApiError {
  constructor(
    message: string,
    causes: { reason: string; message: string; field: string }[],
    readonly paths: Path[],
  ) {
    super(409, 'Conflict', message, { causes });
  }
}

function conflictError(conflicts: { entry: ManagerEntry; path: Path }[]): ApiError {
  conflicts.sort((a, b) => cmp(a.entry.manager, b.entry.manager) || cmp(pathString(a.path), pathString(b.path)));
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.entry)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    const only = conflicts[0] as { entry: ManagerEntry; path: Path };
    message = `Apply failed with 1 conflict: conflict with ${printManager(only.entry)}: ${pathString(only.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const m = printManager(c.entry);
      byManager.set(m, [...(byManager.get(m) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) lines.push(`conflicts with ${m}:`, ...(byManager.get(m) ?? []).map((p) => `- ${p}`));
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApplyConflict(message, causes, conflicts.map((c) => c.path));
}

/** The manager name the apiserver derives from a User-Agent: its part before the first '/' ("unknown" without one). */
export function managerFromUserAgent(ua: string | undefined): string {
  const head = (ua ?? '').split('/')[0] ?? '';
  return [...head].filter((ch) => ch >= ' ' && ch !== '\x7f').join('').slice(0, 128) || 'unknown';
}
