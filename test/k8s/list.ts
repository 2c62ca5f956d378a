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
import { metaOf, str } from './values.js';

export interface ListQuery {
  match: (view: Obj) => boolean;
  hasSelector: boolean;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

interface Token {
  rv: number;
  start: string;
}

const keyOf = (o: Obj): string => `${str(metaOf(o).namespace) ?? ''}/${str(metaOf(o).name) ?? ''}`;

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

export function listObjects(store: Store, rt: ResourceType, namespace: string | undefined, q: ListQuery): Obj {
  let rv = store.rv;
  let stored: Obj[];
  let after = '';
  if (q.continueToken) {
    const t = decodeToken(q.continueToken);
    const snap = store.snapshot(rt.storageKey, t.rv, namespace);
    if (!snap) throw errors.gone(TOO_OLD_CONTINUE);
    rv = t.rv;
    after = t.start;
    stored = snap;
  } else if (q.resourceVersion && q.resourceVersion !== '0') {
    const want = Number(q.resourceVersion);
    if (!Number.isInteger(want) || want < 0) throw errors.badRequest(`invalid resource version "${q.resourceVersion}"`);
    if (want > store.rv) {
      throw new ApiError(504, 'Timeout', `Too large resource version: ${want}, current: ${store.rv}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
    }
    if (q.resourceVersionMatch === 'Exact') {
      const snap = store.snapshot(rt.storageKey, want, namespace);
      if (!snap) throw errors.gone(`The resourceVersion for the provided list is too old.`);
      rv = want;
      stored = snap;
    } else stored = store.list(rt.storageKey, namespace);
  } else stored = store.list(rt.storageKey, namespace);

  let views = stored.filter((o) => keyOf(o) > after).map((o) => rt.fromStorage(o)).filter(q.match);
  const listMeta: Obj = { resourceVersion: String(rv) };
  if (q.limit && q.limit > 0 && views.length > q.limit) {
    const remaining = views.length - q.limit;
    views = views.slice(0, q.limit);
    listMeta.continue = encodeToken({ rv, start: keyOf(views[views.length - 1] as Obj) });
    if (!q.hasSelector) listMeta.remainingItemCount = remaining;
  }
  const items = rt.custom
    ? views
    : views.map((v) => {
        const { apiVersion: _a, kind: _k, ...rest } = v;
        return rest;
      });
  return { apiVersion: apiVersionOf(rt), kind: rt.listKind, metadata: listMeta, items };
}
