/**
 * /metrics, /healthz and /readyz of the controller, plain HTTP inside the cluster. Nothing secret is served, but
 * the metrics say which namespaces fail and why: they can be kept off the pod network (a separate listener for the
 * probes, so /metrics may listen on 127.0.0.1 behind a proxy) or behind a bearer token (issue 15, finding 9).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE, type Registry } from '../runtime/metrics.js';

export interface HttpListener {
  port: number;
  close(): Promise<void>;
}

export interface ServedPaths {
  /** /metrics; `token` gives the bearer token a scrape must present (read for each scrape, so a mounted Secret can rotate); throws when it cannot be read. */
  metrics?: { registry: Registry; token?: () => string };
  /** /healthz and /readyz; `ready` says why the controller is not ready, or null. */
  health?: { ready: () => string | null };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** True when the request carries the token; compared in constant time (over digests, so lengths do not leak either). */
function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return m !== null && token !== '' && timingSafeEqual(digest(m[1]!), digest(token));
}

export function startHttpListener(serve: ServedPaths, host: string, port: number): Promise<HttpListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/metrics' && serve.metrics) {
      const { registry, token } = serve.metrics;
      if (token) {
        let want: string;
        try {
          want = token();
        } catch {
          res.writeHead(503, { 'content-type': 'text/plain' }).end('the metrics token cannot be read\n');
          return;
        }
        if (!authorized(req.headers.authorization, want)) {
          res.writeHead(401, { 'www-authenticate': 'Bearer realm="gitseal-controller"' }).end();
          return;
        }
      }
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(registry.render());
    } else if (path === '/healthz' && serve.health) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz' && serve.health) {
      const why = serve.health.ready();
      res.writeHead(why ? 503 : 200, { 'content-type': 'text/plain' }).end(why ? `${why}\n` : 'ok\n');
    } else res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
