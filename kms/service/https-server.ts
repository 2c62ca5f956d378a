/**
 * The rewrap service over HTTPS (docs/ARCHITECTURE.md#the-rewrap-service):
 * TLS 1.3 only, optional mTLS, bounded connections, bodies read only
 * after authentication and a bounded number of them in flight, header/body
 * timeouts, per-subject rate limits, a per-address limit on failed
 * authentications (past it, the address's new connections are closed before
 * the TLS handshake) and their audit records counted (refusal-audit.ts), and the routes of schemas/rewrap.openapi.yaml
 * (server.ts). Every answer carries a wire code; nothing from the request
 * body or its credentials is echoed or logged.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { answerClientError } from './client-error.js';
import { RateLimiter } from './rate-limit.js';
import { RefusalAudit } from './refusal-audit.js';
import { BodyGate } from './request-body.js';
import { requestHandler } from './request-handler.js';
import { routeHandlers, type RouteDeps } from './route-handlers.js';
import { DEFAULT_LIMITS, type ServerLimits } from './server-limits.js';

export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA bundle for client certificates; enables mTLS. */
  clientCa?: string | Buffer;
  requireClientCert?: boolean;
}

export interface ServerDeps extends RouteDeps {
  tls: TlsMaterial;
  limits?: Partial<ServerLimits>;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

function httpsServer(tls: TlsMaterial, limits: ServerLimits): Server {
  return createServer({
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above only this often (default 30 s): slow clients must go sooner.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 4)),
    // A TLS handshake that never finishes is dropped too.
    handshakeTimeout: limits.headersTimeoutMs,
    ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: tls.requireClientCert ?? false } : {}),
  });
}

export function startRewrapServer(deps: ServerDeps, host = '127.0.0.1', port = 0): Promise<RunningServer> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  let closing = false;
  const isClosing = (): boolean => closing;
  const refusals = new RefusalAudit(deps.audit, undefined, () => deps.metrics.auditErrors.inc());
  const failures = new RateLimiter(limits.failedAuth);
  const answer = routeHandlers(deps, {
    maxBodyBytes: limits.maxBodyBytes,
    limiter: new RateLimiter(limits.rate),
    failures,
    refusals,
    bodies: new BodyGate(limits.maxBodiesInFlight, limits.bodyBytesInFlight),
    isClosing,
  });
  const handle = requestHandler({ answer, isClosing, metrics: deps.metrics, log: deps.log });

  const server = httpsServer(deps.tls, limits);
  server.maxConnections = limits.maxConnections;
  // An address past its failed-authentication budget costs no TLS handshake until the budget refills.
  server.on('connection', (socket: Socket) => {
    const remote = socket.remoteAddress ?? 'unknown';
    if (!failures.exhausted(`ip:${remote}`)) return;
    deps.metrics.connectionsRefused.inc();
    void refusals.refused('address_blocked', remote, 'connection', false);
    socket.destroy();
  });
  server.on('request', (req, res) => void handle(req, res));
  server.on('clientError', answerClientError(deps.metrics));

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
          }).then(() => refusals.close()),
      });
    });
  });
}
