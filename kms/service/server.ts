/**
 * The rewrap service over HTTPS (DESIGN §4): TLS 1.3 only, optional mTLS,
 * bounded bodies and header/body timeouts, per-subject rate limits, and the
 * routes of schemas/rewrap.openapi.yaml. Every answer carries a wire code;
 * nothing from the request body or its credentials is echoed or logged.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { isGitsealError, type ErrorCode } from '../../core/errors.js';
import type { Keyring } from './keyring.js';
import type { Logger } from '../../runtime/log.js';
import { PROMETHEUS_CONTENT_TYPE } from '../../runtime/metrics.js';
import { parseRewrapRequest, RewrapFault } from './rewrap-request.js';
import { RateLimiter, type RateLimitConfig } from './rate-limit.js';
import type { Auditor, RewrapService } from './rewrap-service.js';
import type { ServiceMetrics } from './service-metrics.js';
import { AuthFailure, type AuthRequest, type Caller, type Operation, type Policy, type WireCode } from '../protocol/types.js';

export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA bundle for client certificates; enables mTLS. */
  clientCa?: string | Buffer;
  requireClientCert?: boolean;
}

export interface ServerLimits {
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  rate: RateLimitConfig;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 60_000,
  rate: { rate: 20_000, burst: 20_000 },
};

export interface ServerDeps {
  tls: TlsMaterial;
  limits?: Partial<ServerLimits>;
  authenticate: (req: AuthRequest) => Promise<Caller>;
  service: RewrapService;
  keyring: Keyring;
  policy: () => Policy;
  audit: Auditor;
  metrics: ServiceMetrics;
  log: Logger;
  /** Extra readiness checks (policy file loaded, audit writable): a reason when not ready. */
  notReady?: () => string | null;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const STATUS: Record<WireCode, number> = {
  bad_request: 400,
  too_large: 413,
  too_many_items: 413,
  unauthenticated: 401,
  denied: 403,
  unknown_kid: 404,
  key_revoked: 410,
  tampered: 422,
  root_revoked: 503,
  rate_limited: 429,
  timeout: 408,
  not_found: 404,
  method_not_allowed: 405,
  unavailable: 503,
  internal: 500,
};

/** GitsealErrors that admin operations throw, as wire codes. */
const ADMIN_CODES: Partial<Record<ErrorCode, WireCode>> = { E_USAGE: 'bad_request', E_NO_KEY: 'unknown_kid', E_ROOT_REVOKED: 'root_revoked', E_ROOT: 'unavailable' };

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
};

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return Promise.reject(new RewrapFault('too_large', 413, `the body is over ${max} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new RewrapFault('too_large', 413, `the body is over ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', () => reject(new RewrapFault('timeout', 408, 'the request body did not arrive in time')));
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new RewrapFault('bad_request', 400, 'the body is not valid JSON');
  }
}

const READ_ONLY = new Set(['/healthz', '/readyz', '/metrics', '/v1/keys']);
const ADMIN_ROUTE = /^\/v1\/keys\/([\w.:-]{1,64})\/(revoke|destroy)$/;

export function startRewrapServer(deps: ServerDeps, host = '127.0.0.1', port = 0): Promise<RunningServer> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const limiter = new RateLimiter(limits.rate);
  const { metrics, log } = deps;
  let closing = false;

  const server = createServer(
    {
      cert: deps.tls.cert,
      key: deps.tls.key,
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (default 30 s): slow clients must go sooner.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 4)),
      // A TLS handshake that never finishes is dropped too.
      handshakeTimeout: limits.headersTimeoutMs,
      ...(deps.tls.clientCa ? { ca: deps.tls.clientCa, requestCert: true, rejectUnauthorized: deps.tls.requireClientCert ?? false } : {}),
    },
    (req, res) => void handle(req, res),
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT';
    const [status, code, message] = timeout ? [408, 'timeout', 'the request did not arrive in time'] : [400, 'bad_request', 'the request is not valid HTTP'];
    metrics.requests.inc({ route: 'other', code: String(status) });
    const requestId = randomBytes(8).toString('hex');
    const body = JSON.stringify({ error: code, message, requestId });
    if (socket.writable)
      socket.end(`HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-type: application/json\r\nx-request-id: ${requestId}\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    else socket.destroy();
  });

  async function caller(req: IncomingMessage, body: Buffer, route: string): Promise<Caller> {
    const sock = req.socket as TLSSocket;
    const cn = sock.authorized ? sock.getPeerCertificate()?.subject?.CN : undefined;
    const authReq: AuthRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
      now: Date.now(),
      ...(typeof cn === 'string' ? { peerCommonName: cn } : {}),
    };
    try {
      return await deps.authenticate(authReq);
    } catch (e) {
      const reason = e instanceof AuthFailure ? e.reason : 'error';
      metrics.authFailures.inc({ reason });
      const remote = req.socket.remoteAddress ?? 'unknown';
      await deps.audit.append([{ subject: 'unauthenticated', method: 'none', operation: 'authenticate', decision: 'deny', reason, requestId: idOf(req), remote }]);
      if (reason === 'unavailable') throw new RewrapFault('unavailable', 503, 'the service cannot check credentials right now: try again');
      const wait = limiter.take(`ip:${remote}`);
      if (wait) throw new RewrapFault('rate_limited', 429, 'too many failed attempts: slow down', wait);
      log('warn', 'authentication failed', { route, reason, remote, requestId: idOf(req) });
      throw new RewrapFault('unauthenticated', 401, e instanceof AuthFailure ? e.message : 'the credentials were not accepted');
    }
  }

  // The request id travels on the request object so the helpers above can log it.
  const ids = new WeakMap<IncomingMessage, string>();
  const idOf = (req: IncomingMessage): string => ids.get(req) ?? '-';

  function authorizeAdmin(c: Caller, op: Operation): void {
    const d = deps.policy().decide(c.subject, '*', op);
    if (!d.allowed) throw new RewrapFault('denied', 403, `denied by policy: ${op} for ${c.subject}`);
  }

  async function admin(req: IncomingMessage, body: Buffer, op: Operation, kid: string | null, requestId: string): Promise<unknown> {
    const c = await caller(req, body, op);
    const event = { subject: c.subject, method: c.method, operation: op, requestId, ...(kid ? { kid } : {}), ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}) };
    try {
      authorizeAdmin(c, op);
    } catch (e) {
      await deps.audit.append([{ ...event, decision: 'deny', reason: 'denied' }]);
      throw e;
    }
    try {
      const key = op === 'keys.rotate' ? await deps.keyring.rotate() : op === 'keys.revoke' ? await deps.keyring.revoke(kid!) : await deps.keyring.destroy(kid!);
      await deps.audit.append([{ ...event, kid: key.kid, decision: 'allow', reason: 'ok' }]);
      log('warn', `admin ${op}`, { subject: c.subject, kid: key.kid, requestId });
      return { key };
    } catch (e) {
      const code = isGitsealError(e) ? ADMIN_CODES[e.code] : undefined;
      await deps.audit.append([{ ...event, decision: 'deny', reason: code ?? 'internal' }]);
      if (code && isGitsealError(e)) throw new RewrapFault(code, code === 'bad_request' ? 409 : STATUS[code], e.message);
      throw e;
    }
  }

  async function route(req: IncomingMessage, requestId: string): Promise<{ status: number; body: unknown; route: string }> {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    if (READ_ONLY.has(path) && method !== 'GET' && method !== 'HEAD') throw new RewrapFault('method_not_allowed', 405, 'use GET');
    if (path === '/healthz') return { status: 200, body: { ok: true }, route: 'healthz' };
    if (path === '/readyz') {
      const why = closing ? 'shutting down' : deps.keyring.state !== 'ready' ? `${deps.keyring.state}: ${deps.keyring.lastError ?? ''}`.trim() : deps.notReady?.() ?? null;
      return { status: why ? 503 : 200, body: why ? { ok: false, reason: why } : { ok: true }, route: 'readyz' };
    }
    if (path === '/v1/keys' && method === 'GET') return { status: 200, body: { keys: deps.keyring.keys() }, route: 'keys' };
    if (path === '/v1/rewrap') {
      if (method !== 'POST') throw new RewrapFault('method_not_allowed', 405, 'use POST');
      const body = await readBody(req, limits.maxBodyBytes);
      const c = await caller(req, body, 'rewrap');
      const request = parseRewrapRequest(parseJson(body));
      const wait = limiter.take(c.subject, request.items.length);
      if (wait) {
        metrics.rateLimited.inc();
        throw new RewrapFault('rate_limited', 429, `too many requests from ${c.subject}: retry in ${wait} s`, wait);
      }
      const out = await deps.service.rewrap(request, { caller: c, requestId, ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}) });
      for (const r of out.items) metrics.items.inc({ result: r.ok ? 'ok' : r.error });
      return { status: 200, body: out, route: 'rewrap' };
    }
    const m = ADMIN_ROUTE.exec(path);
    if (path === '/v1/keys/rotate' || m) {
      if (method !== 'POST') throw new RewrapFault('method_not_allowed', 405, 'use POST');
      const body = await readBody(req, 64 * 1024);
      const op: Operation = m ? (m[2] === 'revoke' ? 'keys.revoke' : 'keys.destroy') : 'keys.rotate';
      return { status: 200, body: await admin(req, body, op, m ? m[1]! : null, requestId), route: op };
    }
    if (path === '/metrics') return { status: 200, body: null, route: 'metrics' };
    throw new RewrapFault('not_found', 404, 'no such route');
  }

  async function handle(req: IncomingMessage, out: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomBytes(8).toString('hex');
    ids.set(req, requestId);
    let routeName = 'other';
    try {
      if (closing) throw new RewrapFault('unavailable', 503, 'the service is shutting down');
      const r = await route(req, requestId);
      routeName = r.route;
      if (r.route === 'metrics') {
        const text = metrics.registry.render();
        out.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
        out.end(text);
      } else json(out, r.status, r.body, { 'x-request-id': requestId });
      metrics.requests.inc({ route: routeName, code: String(r.status) });
    } catch (e) {
      const fault = e instanceof RewrapFault ? e : null;
      const code: WireCode = fault?.code ?? 'internal';
      const status = fault?.status ?? STATUS[code];
      if (!fault) {
        if (isGitsealError(e, 'E_AUDIT')) metrics.auditErrors.inc();
        log('error', 'request failed', { requestId, route: routeName, error: isGitsealError(e) ? e.code : 'internal' });
      }
      const message = fault?.message ?? (isGitsealError(e, 'E_AUDIT') ? 'the audit log cannot be written; nothing was released' : 'internal error');
      if (!out.headersSent) json(out, status, { error: code, message, requestId }, { 'x-request-id': requestId, ...(fault?.retryAfter ? { 'retry-after': String(fault.retryAfter) } : {}) });
      else out.destroy();
      metrics.requests.inc({ route: routeName, code: String(status) });
    } finally {
      metrics.latency.observe((performance.now() - started) / 1000, { route: routeName });
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `https://${shown}:${addr.port}`,
        port: addr.port,
        server,
        close: () =>
          new Promise<void>((done) => {
            closing = true;
            server.close(() => done());
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), 2_000).unref();
          }),
      });
    });
  });
}
