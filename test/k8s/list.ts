/**
 * LIST: selectors, resourceVersion semantics (unset / "0" / NotOlderThan
 * / Exact), pagination with continue tokens that pin a consistent
 * snapshot (410 Expired once compacted away), and the list envelope —
 * built-in lists omit apiVersion/kind on items as typed Go lists do,
 * custom resource lists keep them.
 */
import { ApiError, errors, type Obj } from './errors.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import type { Store } from './store.js';
import { clone, metaOf, str } from './values.js';

export interface ListQuery {
  match: (view: Obj) => boolean;
  hasSelector: boolean;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** A continue token as the apiserver's etcd3 store writes it: the snapshot's version and the key to start after. */
interface Token {
  rv: number;
  /** The last key returned, relative to the list's prefix, with a NUL appended (the next possible key). */
  start: string;
}

const keyOf = (o: Obj): string => `${str(metaOf(o).namespace) ?? ''}/${str(metaOf(o).name) ?? ''}`;

/** The store keys of a list, and the prefix a token's start is relative to. */
const listPrefix = (namespace: string | undefined, rt: ResourceType): string => (namespace !== undefined ? `${namespace}/` : rt.namespaced ? '' : '/');

function decodeToken(t: string): Token {
  try {
    const o = JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as Partial<Token> & { v?: string };
    if (o.v !== 'meta.k8s.io/v1' || typeof o.rv !== 'number' || typeof o.start !== 'string') throw new Error('bad');
    return { rv: o.rv, start: o.start };
  } catch {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

const encodeToken = (t: Token): string => Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');

const TOO_OLD_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** A resourceVersion query parameter as the storage layer parses it (anything but digits is a 500 there). */
export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw errors.unknown(`resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  return Number(rv);
}

const TOO_OLD_LIST = 'The resourceVersion for the provided list is too old.';

export function listObjects(store: Store, rt: ResourceType, namespace: string | undefined, q: ListQuery): Obj {
  const prefix = listPrefix(namespace, rt);
  let rv = store.rv;
  let stored: [string, Readonly<Obj>][];
  let after = '';
  if (q.continueToken) {
    const t = decodeToken(q.continueToken);
    const snap = store.entries(rt.storageKey, namespace, t.rv);
    if (!snap) throw errors.gone(TOO_OLD_CONTINUE, { continue: encodeToken({ rv: -1, start: t.start }) });
    rv = t.rv;
    after = prefix + t.start;
    stored = snap;
  } else if (q.resourceVersion && q.resourceVersion !== '0') {
    const want = parseResourceVersion(q.resourceVersion);
    if (want > store.rv) {
      throw new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${want}, current: ${store.rv}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
    }
    // Exact, and (legacy) a version with a limit but no match: read from etcd at that version.
    if (q.resourceVersionMatch === 'Exact' || (!q.resourceVersionMatch && q.limit)) {
      const snap = store.entries(rt.storageKey, namespace, want);
      if (!snap) throw errors.gone(TOO_OLD_LIST);
      rv = want;
      stored = snap;
    } else stored = store.entries(rt.storageKey, namespace);
  } else stored = store.entries(rt.storageKey, namespace);

  // Only the objects a page returns are copied and converted: a paged list of N objects costs O(N), not O(N²).
  const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
  const views: Obj[] = [];
  let i = stored.findIndex(([k]) => k > after);
  if (i < 0) i = stored.length;
  let more = false;
  for (; i < stored.length; i++) {
    const view = rt.fromStorage(clone(stored[i]![1] as Obj));
    if (!q.match(view)) continue;
    if (views.length === limit) {
      more = true;
      break;
    }
    views.push(view);
  }
  const listMeta: Obj = { resourceVersion: String(rv) };
  if (more) {
    listMeta.continue = encodeToken({ rv, start: `${keyOf(views[views.length - 1] as Obj).slice(prefix.length)}\u0000` });
    // Without a selector every object matches: the count is what is left after this page.
    if (!q.hasSelector) listMeta.remainingItemCount = stored.length - i;
  }
  const items = rt.custom
    ? views
    : views.map((v) => {
        const { apiVersion: _a, kind: _k, ...rest } = v;
        return rest;
      });
  return { apiVersion: apiVersionOf(rt), kind: rt.listKind, metadata: listMeta, items };
}
