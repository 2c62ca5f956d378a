/**
 * Compares a recorded body with the double's, value by value and key order
 * by key order, modulo what the recording redacted or cannot pin down:
 * uids ("<uid>", and server uids left inside managedFields keys), server
 * timestamps ("<time>"), Go pointer addresses in messages, and
 * resourceVersion values (paired through an RvMap, so their relations are
 * still checked). managedFields entries are matched by identity: their
 * order follows their times (to the second), which the recording redacted.
 */
import { isObj } from '../schema.js';
import type { RvKind, RvMap } from './rv-map.js';

export interface CompareContext {
  rv: RvMap;
  /** uids the recording's requests chose themselves (kept unredacted in the recording). */
  keptUids: Set<string>;
}

type Path = (string | number)[];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const POINTER = /\(0xc[0-9a-f]+\)/g;
const RV_MESSAGES = [/too old resource version: (\d+) \((\d+)\)/, /Too large resource version: (\d+), current: (\d+)/];

const show = (p: Path): string => p.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('') || '(body)';

export function compareBodies(expected: unknown, actual: unknown, ctx: CompareContext): string[] {
  const diffs: string[] = [];
  walk(expected, actual, [], ctx, diffs, rootKind(expected));
  return diffs;
}

/** What kind of version the root object's metadata.resourceVersion is. */
function rootKind(v: unknown): RvKind {
  if (!isObj(v)) return 'other';
  if (v.type === 'BOOKMARK') return 'other';
  const kind = typeof v.kind === 'string' ? v.kind : '';
  return kind.endsWith('List') ? 'other' : 'object';
}

function mask(s: string, ctx: CompareContext): string {
  return s.replace(UUID, (u) => (ctx.keptUids.has(u) ? u : '<uid>')).replace(POINTER, '(<ptr>)');
}

/** The kind of resourceVersion at this path, or undefined when the path holds none. */
function rvAt(p: Path, root: RvKind): RvKind | undefined {
  const n = p.length;
  if (n < 2 || p[n - 1] !== 'resourceVersion' || p[n - 2] !== 'metadata') return undefined;
  const owner = p.slice(0, -2);
  if (owner.length === 0) return root;
  if (owner.length === 1 && owner[0] === 'object') return root;
  if (owner.length === 2 && owner[0] === 'items' && typeof owner[1] === 'number') return 'object';
  return undefined;
}

const isContinue = (p: Path): boolean => p.length >= 2 && p[p.length - 1] === 'continue' && p[p.length - 2] === 'metadata';

function decodeContinue(s: string): { v?: unknown; rv?: unknown; start?: unknown } | undefined {
  try {
    const o: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return isObj(o) ? o : undefined;
  } catch {
    return undefined;
  }
}

function compareString(e: string, a: unknown, p: Path, ctx: CompareContext, diffs: string[], root: RvKind): void {
  const where = show(p);
  if (typeof a !== 'string') return void diffs.push(`${where}: ${JSON.stringify(a)} where the string ${JSON.stringify(e)} was recorded`);
  if (e === '<time>') {
    if (a !== e && !TIME.test(a)) diffs.push(`${where}: ${JSON.stringify(a)} is not a timestamp`);
    return;
  }
  if (e === '<uid>') {
    if (a !== e && !/^[0-9a-f-]{36}$/.test(a)) diffs.push(`${where}: ${JSON.stringify(a)} is not a uid`);
    return;
  }
  const kind = rvAt(p, root);
  if (kind) {
    const why = ctx.rv.match(e, a, kind);
    if (why) diffs.push(`${where}: ${why}`);
    return;
  }
  if (isContinue(p)) {
    const [te, ta] = [decodeContinue(e), decodeContinue(a)];
    if (!te || !ta) return void (e !== a && diffs.push(`${where}: continue token ${a} where ${e} was recorded`));
    if (te.v !== ta.v || te.start !== ta.start) diffs.push(`${where}: continue token ${JSON.stringify(ta)} where ${JSON.stringify(te)} was recorded`);
    const why = ctx.rv.match(String(te.rv), String(ta.rv), 'other');
    if (why) diffs.push(`${where} (rv): ${why}`);
    return;
  }
  let [me, ma] = [mask(e, ctx), mask(a, ctx)];
  for (const re of RV_MESSAGES) {
    const [xe, xa] = [re.exec(me), re.exec(ma)];
    if (!xe || !xa) continue;
    for (const i of [1, 2]) {
      const why = ctx.rv.match(xe[i] as string, xa[i] as string, 'other');
      if (why) diffs.push(`${where} (message): ${why}`);
    }
    [me, ma] = [me.replace(re, '<rv message>'), ma.replace(re, '<rv message>')];
  }
  if (me !== ma) diffs.push(`${where}: ${JSON.stringify(a)} where ${JSON.stringify(e)} was recorded`);
}

const identity = (m: unknown): string =>
  isObj(m) ? JSON.stringify([m.manager, m.operation, m.apiVersion, m.subresource ?? '']) : JSON.stringify(m);

/** managedFields: entries matched by identity; the double's own order must follow the apiserver's sort. */
function compareManagedFields(e: unknown[], a: unknown[], p: Path, ctx: CompareContext, diffs: string[], root: RvKind): void {
  const byId = new Map(a.map((x) => [identity(x), x]));
  e.forEach((x, i) => {
    const id = identity(x);
    if (!byId.has(id)) return void diffs.push(`${show([...p, i])}: no managedFields entry ${id}`);
    walk(x, byId.get(id), [...p, i], ctx, diffs, root);
    byId.delete(id);
  });
  for (const id of byId.keys()) diffs.push(`${show(p)}: unexpected managedFields entry ${id}`);
  const key = (m: unknown): string[] => {
    const o = isObj(m) ? m : {};
    const seconds = typeof o.time === 'string' ? String(Math.floor(Date.parse(o.time) / 1000)).padStart(12, '0') : '';
    return [String(o.operation), seconds, String(o.manager), String(o.apiVersion), String(o.subresource ?? '')];
  };
  const sorted = [...a].sort((x, y) => (key(x).join('\0') < key(y).join('\0') ? -1 : 1));
  if (sorted.some((x, i) => x !== a[i])) diffs.push(`${show(p)}: entries not in the apiserver's order (operation, time, manager, apiVersion, subresource)`);
}

function walk(e: unknown, a: unknown, p: Path, ctx: CompareContext, diffs: string[], root: RvKind): void {
  if (typeof e === 'string') return compareString(e, a, p, ctx, diffs, root);
  if (Array.isArray(e)) {
    if (!Array.isArray(a)) return void diffs.push(`${show(p)}: ${JSON.stringify(a)} where an array was recorded`);
    if (p[p.length - 1] === 'managedFields') return compareManagedFields(e, a, p, ctx, diffs, root);
    if (e.length !== a.length) diffs.push(`${show(p)}: ${a.length} items where ${e.length} were recorded`);
    e.forEach((x, i) => i < a.length && walk(x, a[i], [...p, i], ctx, diffs, root));
    return;
  }
  if (isObj(e)) {
    if (!isObj(a)) return void diffs.push(`${show(p)}: ${JSON.stringify(a)} where an object was recorded`);
    const ke = Object.keys(e).map((k) => mask(k, ctx));
    const ka = Object.keys(a).map((k) => mask(k, ctx));
    const missing = ke.filter((k) => !ka.includes(k));
    const extra = ka.filter((k) => !ke.includes(k));
    if (missing.length) diffs.push(`${show(p)}: missing ${JSON.stringify(missing)}`);
    if (extra.length) diffs.push(`${show(p)}: unexpected ${JSON.stringify(extra)} = ${JSON.stringify(extra.map((k) => a[Object.keys(a)[ka.indexOf(k)] as string]))}`);
    const common = ke.filter((k) => ka.includes(k));
    if (common.join('\0') !== ka.filter((k) => ke.includes(k)).join('\0')) diffs.push(`${show(p)}: keys in order ${JSON.stringify(ka)} where ${JSON.stringify(ke)} was recorded`);
    const rawA = Object.keys(a);
    Object.keys(e).forEach((k, i) => {
      const j = ka.indexOf(ke[i] as string);
      if (j >= 0) walk(e[k], a[rawA[j] as string], [...p, k], ctx, diffs, root);
    });
    return;
  }
  if (e !== a) diffs.push(`${show(p)}: ${JSON.stringify(a)} where ${JSON.stringify(e)} was recorded`);
}
