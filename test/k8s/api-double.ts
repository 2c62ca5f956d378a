/**
 * A Kubernetes API server double on 127.0.0.1 over plain HTTP (or https with a given certificate), faithful
 * enough for @kubernetes/client-node (CRUD, patch, server-side apply,
 * list/watch, informers) and kubectl (discovery, apply, get, wait) to run
 * unchanged against it. Built in: Namespaces, Secrets, ConfigMaps,
 * Events (core/v1 and events.k8s.io/v1), Leases and CRDs; creating a CRD
 * serves its custom resources. Test controls inspect and perturb it
 * (requests log, compaction, dropped watches, injected failures).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { builtinResources } from './builtins.js';
import { crdResourceTypes } from './crd.js';
import { discovery } from './discovery.js';
import { ApiError, errors, reasonForCode, type Obj } from './errors.js';
import { Controllers } from './gc.js';
import { mediaType, parseResourcePath, sendError, sendJson } from './http.js';
import { kubeconfigText, userFromAuthorization } from './kubeconfig.js';
import { openapiV3 } from './openapi.js';
import { Registry } from './registry.js';
import { handleResource } from './rest.js';
import { Catalog } from './resources.js';
import { isObj } from './schema.js';
import { Store, type Change } from './store.js';
import { WatchHub } from './watch.js';

export interface RequestRecord {
  method: string;
  /** The URL path without the query. */
  path: string;
  /** The query string without '?', '' when none. */
  query: string;
  contentType?: string;
  userAgent?: string;
  fieldManager?: string;
  /** The kubeconfig user whose token came with the request. */
  user?: string;
}

export interface FailurePattern {
  method?: string;
  /** Tested against the path, and against path?query. */
  pathRegex: RegExp;
  status: number;
  /** How many requests fail; unlimited when omitted. */
  times?: number;
}

export interface ApiDouble {
  /** http://127.0.0.1:PORT (https:// with the tls option) */
  url: string;
  kubeconfig(opts?: { user?: string }): string;
  writeKubeconfig(path: string, opts?: { user?: string }): void;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Record<string, unknown> | undefined;
  list(apiVersion: string, kind: string, namespace?: string): Record<string, unknown>[];
  /** Every request received, in order. */
  requests: RequestRecord[];
  /** The current global resourceVersion. */
  readonly resourceVersion: string;
  /** Open watch connections. */
  readonly watchCount: number;
  /** Forgets the watch history: watches and lists resuming from older resourceVersions get 410 Gone. */
  compact(): void;
  /** Ends every open watch (cleanly, as the apiserver does on timeout; `abort` resets the connections instead). */
  dropWatches(opts?: { abort?: boolean }): void;
  setFailure(pattern: FailurePattern | null): void;
  close(): Promise<void>;
}

export interface ApiDoubleOptions {
  /** Changes kept for watch replay and consistent lists (default 1000). */
  historySize?: number;
  /** Period of BOOKMARK events on watches that allow them (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Serve https with this certificate (for 127.0.0.1) and key; `ca` defaults to the certificate itself. */
  tls?: { cert: string; key: string; ca?: string };
}

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function crdStorageKey(crd: Obj | undefined): string | undefined {
  const spec = crd && isObj(crd.spec) ? crd.spec : undefined;
  const names = spec && isObj(spec.names) ? spec.names : undefined;
  return spec && names ? `${String(spec.group)}/${String(names.plural)}` : undefined;
}

export async function startApiDouble(opts: ApiDoubleOptions = {}): Promise<ApiDouble> {
  const store = new Store(opts.historySize ?? 1000);
  const catalog = new Catalog();
  for (const rt of builtinResources()) catalog.add(rt);
  const registry = new Registry(store);
  const hub = new WatchHub(store, opts.bookmarkIntervalMs ?? 1000);

  store.onChange((c: Change) => {
    if (c.key !== CRD_KEY) return;
    for (const key of [crdStorageKey(c.prev), crdStorageKey(c.obj)]) if (key) catalog.remove((t) => t.storageKey === key);
    if (c.type !== 'DELETED') for (const rt of crdResourceTypes(c.obj)) catalog.add(rt);
  });
  const controllers = new Controllers(store, catalog, registry);
  const nsType = catalog.find('', 'v1', 'namespaces');
  for (const name of SYSTEM_NAMESPACES) if (nsType) registry.create(nsType, undefined, { metadata: { name } }, { manager: 'kube-apiserver', dryRun: false });

  const requests: RequestRecord[] = [];
  let failure: FailurePattern | null = null;
  let serverAddress = '';

  const injected = (method: string, url: URL): ApiError | undefined => {
    const f = failure;
    if (!f || (f.method && f.method.toUpperCase() !== method)) return undefined;
    f.pathRegex.lastIndex = 0;
    const hit = f.pathRegex.test(url.pathname) || ((f.pathRegex.lastIndex = 0), f.pathRegex.test(url.pathname + url.search));
    if (!hit) return undefined;
    if (f.times !== undefined && --f.times <= 0) failure = null;
    const reason = reasonForCode(f.status);
    return new ApiError(f.status, reason, `injected failure: ${reason}`, f.status === 429 ? { retryAfterSeconds: 1 } : {});
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://api-double');
    const rec: RequestRecord = { method, path: url.pathname, query: url.search.replace(/^\?/, '') };
    const ct = req.headers['content-type'];
    if (ct) rec.contentType = mediaType(ct);
    if (req.headers['user-agent']) rec.userAgent = req.headers['user-agent'];
    const fm = url.searchParams.get('fieldManager');
    if (fm) rec.fieldManager = fm;
    const user = userFromAuthorization(req.headers.authorization);
    if (user) rec.user = user;
    requests.push(rec);
    try {
      const fail = injected(method, url);
      if (fail) throw fail;
      if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      }
      if (url.pathname.startsWith('/openapi/v3') && method === 'GET') {
        const doc = openapiV3(catalog, url.pathname.replace(/\/$/, ''));
        if (doc) return sendJson(res, 200, doc);
      }
      const rp = parseResourcePath(url.pathname, catalog);
      if (rp) return await handleResource(req, res, url, rp, { catalog, store, registry, hub });
      const doc = method === 'GET' ? discovery(catalog, url.pathname.replace(/\/$/, '') || '/', serverAddress) : undefined;
      if (doc) return sendJson(res, 200, doc);
      throw errors.notFoundPath();
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, e instanceof ApiError ? e : errors.internal(e instanceof Error ? e.message : String(e)));
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => void handle(req, res);
  const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : createServer(listener);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  serverAddress = `127.0.0.1:${port}`;
  const url = `${opts.tls ? 'https' : 'http'}://${serverAddress}`;
  const ca = opts.tls ? (opts.tls.ca ?? opts.tls.cert) : undefined;

  const typeOf = (apiVersion: string, kind: string) => {
    const rt = catalog.byKind(apiVersion, kind);
    if (!rt) throw new Error(`api-double: no resource serves ${apiVersion} ${kind}`);
    return rt;
  };

  return {
    url,
    kubeconfig: (o) => kubeconfigText(url, o?.user, ca),
    writeKubeconfig: (path, o) => writeFileSync(path, kubeconfigText(url, o?.user, ca)),
    get(apiVersion, kind, namespace, name) {
      const rt = typeOf(apiVersion, kind);
      const o = store.get(rt.storageKey, rt.namespaced ? (namespace ?? '') : '', name);
      return o && rt.fromStorage(o);
    },
    list(apiVersion, kind, namespace) {
      const rt = typeOf(apiVersion, kind);
      return store.list(rt.storageKey, rt.namespaced ? namespace : undefined).map((o) => rt.fromStorage(o));
    },
    requests,
    get resourceVersion() {
      return String(store.rv);
    },
    get watchCount() {
      return hub.count;
    },
    compact: () => store.compact(),
    dropWatches: (o) => hub.dropAll(o?.abort ?? false),
    setFailure(p) {
      failure = p ? { ...p } : null;
    },
    async close() {
      controllers.stop();
      hub.dropAll(true);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
