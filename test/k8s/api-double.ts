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
import { serveCrds } from './crd-controller.js';
import { discovery } from './discovery.js';
import { ApiError, errors, reasonForCode } from './errors.js';
import { Controllers } from './gc.js';
import { mediaType, parseResourcePath, sendError, sendJson } from './http.js';
import { kubeconfigText, userFromAuthorization } from './kubeconfig.js';
import { openapiV3 } from './openapi.js';
import { Registry } from './registry.js';
import { handleResource } from './rest.js';
import { Catalog } from './resources.js';
import { Store } from './store.js';
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
  /**
   * etcd compaction at the current resourceVersion, and the watch cache starting over (as after an
   * apiserver restart): watches and lists resuming from older resourceVersions get 410 Gone. With
   * `watchCache: false` only etcd is compacted: lists at older versions get 410, watches are still
   * served from the watch cache.
   */
  compact(opts?: { watchCache?: boolean }): void;
  /**
   * Ends every open watch as a stopping apiserver does: a last BOOKMARK (where allowed) and a clean
   * end (SIGTERM); `abort` resets the connections instead (SIGKILL).
   */
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
  /**
   * Run what kube-controller-manager would (garbage collector, namespace and CRD finalizers); default
   * true. Off, the double behaves like an apiserver alone: finalizers and owner references wait forever.
   */
  controllers?: boolean;
  /** The suffix for the next name made from generateName; random when it returns undefined. */
  generateNameSuffix?: () => string | undefined;
  /** The WatchList feature gate: watches may ask for sendInitialEvents (off by default, as in the 1.28 apiserver recorded). */
  watchList?: boolean;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startApiDouble(opts: ApiDoubleOptions = {}): Promise<ApiDouble> {
  const store = new Store(opts.historySize ?? 1000);
  const catalog = new Catalog();
  for (const rt of builtinResources()) catalog.add(rt);
  const registry = new Registry(store, opts.generateNameSuffix);
  const hub = new WatchHub(store, opts.bookmarkIntervalMs ?? 1000);

  serveCrds(store, catalog, registry);
  const controllers = opts.controllers === false ? undefined : new Controllers(store, catalog, registry);
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
      if (rp) return await handleResource(req, res, url, rp, { catalog, store, registry, hub, watchList: opts.watchList ?? false });
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
    compact: (o) => (o?.watchCache === false ? store.compactStorage() : store.compact()),
    dropWatches: (o) => hub.dropAll(o?.abort ?? false),
    setFailure(p) {
      failure = p ? { ...p } : null;
    },
    async close() {
      controllers?.stop();
      hub.dropAll(true);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
