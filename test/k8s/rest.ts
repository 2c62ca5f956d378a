/**
 * The REST verbs on resource paths: list / watch / create /
 * deletecollection on collections; get / replace / patch / apply / delete
 * on objects and their status subresource, with query parameters parsed
 * as the apiserver does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { APPLY, applyProducer, checkPatchOptions, patchProducer } from './apply.js';
import { ApiError, errors, fieldErr, type Obj } from './errors.js';
import { isObjBody, mediaType, readBody, sendJson, type ResourcePath } from './http.js';
import { validateListOptions } from './list-options.js';
import { listObjects, parseResourceVersion } from './list.js';
import { managerFromUserAgent } from './managed.js';
import { gr, type DeleteOptions, type Registry, type WriteOptions } from './registry.js';
import { apiVersionOf, type Catalog, type ResourceType } from './resources.js';
import { fieldMatcher, labelMatcher } from './selectors.js';
import type { Store } from './store.js';
import { toTable, wantsTable } from './table.js';
import { metaOf, str } from './values.js';
import type { WatchHub } from './watch.js';

export interface Deps {
  catalog: Catalog;
  store: Store;
  registry: Registry;
  hub: WatchHub;
  /** The WatchList feature gate (sendInitialEvents on watches); off in the 1.28 apiserver recorded. */
  watchList: boolean;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  q: URLSearchParams;
  rt: ResourceType;
  rp: ResourcePath;
  d: Deps;
}

const truthy = (v: string | null): boolean => v === 'true' || v === '1';

function selectors(c: Ctx, extraName?: string) {
  const label = labelMatcher(c.q.get('labelSelector'));
  const fieldSel = [c.q.get('fieldSelector'), extraName ? `metadata.name=${extraName}` : null].filter(Boolean).join(',');
  const field = fieldMatcher(fieldSel, c.rt.fields, c.rt.namespaced);
  return { match: (o: Obj) => label(o) && field(o), hasSelector: Boolean(c.q.get('labelSelector') || fieldSel) };
}

async function decodeBody(c: Ctx): Promise<Obj> {
  const text = await readBody(c.req);
  const type = mediaType(c.req.headers['content-type']);
  let body: unknown;
  try {
    if (type === 'application/yaml') body = parseYaml(text);
    else if (type === 'application/json' || type === '' || type === '*/*') body = JSON.parse(text);
    else throw errors.unsupportedMediaType(['application/json', 'application/yaml']);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw errors.badRequest(`${c.rt.kind} in version "${c.rt.version}" cannot be handled as a ${c.rt.kind}: ${(e as Error).message}`);
  }
  if (!isObjBody(body)) throw errors.badRequest(`${c.rt.kind} in version "${c.rt.version}" cannot be handled as a ${c.rt.kind}: the body is not a JSON object`);
  return body;
}

function writeOptions(c: Ctx): WriteOptions {
  const dryRun = c.q.getAll('dryRun');
  if (dryRun.some((v) => v !== 'All')) throw errors.badRequest(`Invalid dryRun value: ${dryRun.join(',')}; valid values are: All`);
  const fieldValidation = c.q.get('fieldValidation') ?? 'Warn';
  if (!['Ignore', 'Warn', 'Strict'].includes(fieldValidation)) {
    throw errors.badRequest(`fieldValidation must be one of Ignore, Warn, Strict; got ${JSON.stringify(fieldValidation)}`);
  }
  return { manager: c.q.get('fieldManager') || managerFromUserAgent(c.req.headers['user-agent']), dryRun: dryRun.length > 0, fieldValidation, warnings: [] };
}

/** Runs a write, then sets its Warning headers (299 - "text"), which the apiserver sends even when the write failed. */
async function withWarnings<T>(c: Ctx, opts: WriteOptions, write: () => Promise<T> | T): Promise<T> {
  try {
    return await write();
  } finally {
    const warnings = [...new Set(opts.warnings ?? [])];
    if (warnings.length > 0) c.res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  }
}

const reply = (c: Ctx, code: number, body: unknown): void => sendJson(c.res, code, body);

function watch(c: Ctx, name?: string): void {
  validateListOptions(c.q, true, c.d.watchList);
  const { match } = selectors(c, name);
  const rv = c.q.get('resourceVersion') ?? '';
  const sendInitialEvents = truthy(c.q.get('sendInitialEvents'));
  const bookmarks = truthy(c.q.get('allowWatchBookmarks'));
  const fromRv = rv !== '' && rv !== '0' ? parseResourceVersion(rv) : undefined;
  const timeout = c.q.get('timeoutSeconds');
  c.d.hub.open(c.res, {
    rt: c.rt,
    ...(c.rp.namespace !== undefined ? { namespace: c.rp.namespace } : {}),
    match,
    ...(fromRv !== undefined ? { fromRv } : {}),
    bookmarks,
    sendInitialEvents,
    ...(timeout ? { timeoutMs: Number(timeout) * 1000 } : {}),
  });
}

function list(c: Ctx): void {
  validateListOptions(c.q, false, c.d.watchList);
  const { match, hasSelector } = selectors(c);
  const limit = Number(c.q.get('limit') ?? 0);
  const body = listObjects(c.d.store, c.rt, c.rp.namespace, {
    match,
    hasSelector,
    ...(limit > 0 ? { limit } : {}),
    ...(c.q.get('continue') ? { continueToken: c.q.get('continue') as string } : {}),
    ...(c.q.get('resourceVersion') ? { resourceVersion: c.q.get('resourceVersion') as string } : {}),
    ...(c.q.get('resourceVersionMatch') ? { resourceVersionMatch: c.q.get('resourceVersionMatch') as string } : {}),
  });
  sendJson(c.res, 200, printed(c, body));
}

/** The body, or the Table kubectl asked for instead. */
const printed = (c: Ctx, body: Obj): Obj => (c.rt.custom && wantsTable(c.req.headers.accept) ? toTable(c.rt, body) : body);

async function deleteOptions(c: Ctx): Promise<DeleteOptions> {
  const text = await readBody(c.req);
  let body: Obj = {};
  if (text.trim()) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isObjBody(parsed)) body = parsed;
    } catch (e) {
      throw errors.badRequest(`error decoding DeleteOptions: ${(e as Error).message}`);
    }
  }
  let policy = str(c.q.get('propagationPolicy')) || str(body.propagationPolicy);
  const orphan = c.q.get('orphanDependents') ?? (typeof body.orphanDependents === 'boolean' ? String(body.orphanDependents) : null);
  if (!policy && orphan !== null) policy = orphan === 'true' ? 'Orphan' : 'Background';
  const pre = isObjBody(body.preconditions) ? body.preconditions : {};
  const dryRun = c.q.getAll('dryRun').length > 0 || (Array.isArray(body.dryRun) && body.dryRun.length > 0);
  return {
    ...(policy ? { propagationPolicy: policy } : {}),
    preconditions: { ...(str(pre.uid) ? { uid: str(pre.uid) } : {}), ...(str(pre.resourceVersion) ? { resourceVersion: str(pre.resourceVersion) } : {}) },
    dryRun,
  };
}

async function collection(c: Ctx): Promise<void> {
  const method = c.req.method;
  if (method === 'GET') return truthy(c.q.get('watch')) || c.rp.watchPrefix ? watch(c) : list(c);
  if (method === 'POST') {
    if (c.rt.namespaced && c.rp.namespace === undefined) throw errors.methodNotAllowed('create', gr(c.rt));
    const body = await decodeBody(c);
    const opts = writeOptions(c);
    return reply(c, 201, await withWarnings(c, opts, () => c.d.registry.create(c.rt, c.rp.namespace, body, opts)));
  }
  if (method === 'DELETE') {
    const d = await deleteOptions(c);
    const { match } = selectors(c);
    const items: Obj[] = [];
    for (const stored of c.d.store.list(c.rt.storageKey, c.rp.namespace)) {
      const view = c.rt.fromStorage(stored);
      if (!match(view)) continue;
      c.d.registry.delete(c.rt, str(metaOf(view).namespace), str(metaOf(view).name) ?? '', d);
      items.push(view);
    }
    return sendJson(c.res, 200, { apiVersion: apiVersionOf(c.rt), kind: c.rt.listKind, metadata: { resourceVersion: String(c.d.store.rv) }, items });
  }
  throw errors.methodNotAllowed(method ?? '', gr(c.rt));
}

async function object(c: Ctx, name: string): Promise<void> {
  const method = c.req.method;
  const sub = c.rp.subresource;
  const ns = c.rp.namespace;
  if (method === 'GET') {
    if (!sub && (truthy(c.q.get('watch')) || c.rp.watchPrefix)) return watch(c, name);
    return sendJson(c.res, 200, printed(c, c.d.registry.read(c.rt, ns, name)));
  }
  if (method === 'PUT') {
    const body = await decodeBody(c);
    const opts = writeOptions(c);
    const r = await withWarnings(c, opts, () => c.d.registry.update(c.rt, ns, name, sub, opts, 'put', c.rt.allowCreateOnUpdate, () => ({ obj: body })));
    return reply(c, r.created ? 201 : 200, r.obj);
  }
  if (method === 'PATCH') {
    const type = mediaType(c.req.headers['content-type']);
    const isApply = type === APPLY;
    const opts = writeOptions(c);
    const fieldManager = c.q.get('fieldManager') ?? undefined;
    checkPatchOptions(isApply, fieldManager, c.q.get('force'));
    const text = await readBody(c.req);
    const produce = isApply ? applyProducer(c.rt, sub, text, fieldManager as string, truthy(c.q.get('force'))) : patchProducer(c.rt, type, text);
    const r = await withWarnings(c, opts, () => c.d.registry.update(c.rt, ns, name, sub, opts, isApply ? 'apply' : 'patch', isApply, produce));
    return reply(c, r.created ? 201 : 200, r.obj);
  }
  if (method === 'DELETE' && !sub) {
    const d = await deleteOptions(c);
    return sendJson(c.res, 200, c.d.registry.delete(c.rt, ns, name, d));
  }
  throw errors.methodNotAllowed(method ?? '', gr(c.rt));
}

export async function handleResource(req: IncomingMessage, res: ServerResponse, url: URL, rp: ResourcePath, d: Deps): Promise<void> {
  const rt = d.catalog.find(rp.group, rp.version, rp.plural);
  if (!rt) throw errors.notFoundPath();
  if (rp.name && rt.namespaced && rp.namespace === undefined) throw errors.notFoundPath();
  if (!rt.namespaced && rp.namespace !== undefined) throw errors.notFoundPath();
  if (rp.subresource && !(rp.subresource === 'status' && rt.status)) throw errors.notFoundPath();
  const c: Ctx = { req, res, q: url.searchParams, rt, rp, d };
  if (rp.name) return object(c, rp.name);
  return collection(c);
}
