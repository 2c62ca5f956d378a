/**
 * Who sent a request, from its credentials. A refusal is counted, audited
 * and logged by reason only; an address that keeps failing is slowed down
 * by the rate limiter under its own key.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../runtime/log.js';
import { AuthFailure, type AuthRequest, type Caller } from '../auth/types.js';
import type { RateLimiter } from './rate-limit.js';
import { RewrapFault } from './rewrap-request.js';
import type { Auditor } from './rewrap-service.js';
import type { ServiceMetrics } from './service-metrics.js';

export interface CallerAuthenticationDeps {
  authenticate: (req: AuthRequest) => Promise<Caller>;
  audit: Auditor;
  limiter: Pick<RateLimiter, 'take'>;
  metrics: Pick<ServiceMetrics, 'authFailures'>;
  log: Logger;
}

/** `route` names the request in the log line of a refusal. */
export type CallerOf = (req: IncomingMessage, body: Buffer, route: string, requestId: string) => Promise<Caller>;

function authRequestOf(req: IncomingMessage, body: Buffer): AuthRequest {
  const sock = req.socket as TLSSocket;
  const cn = sock.authorized ? sock.getPeerCertificate()?.subject?.CN : undefined;
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    body,
    now: Date.now(),
    ...(typeof cn === 'string' ? { peerCommonName: cn } : {}),
  };
}

export function callerAuthentication(deps: CallerAuthenticationDeps): CallerOf {
  const { metrics, log } = deps;
  return async (req, body, route, requestId) => {
    try {
      return await deps.authenticate(authRequestOf(req, body));
    } catch (e) {
      const reason = e instanceof AuthFailure ? e.reason : 'error';
      metrics.authFailures.inc({ reason });
      const remote = req.socket.remoteAddress ?? 'unknown';
      await deps.audit.append([{ subject: 'unauthenticated', method: 'none', operation: 'authenticate', decision: 'deny', reason, requestId, remote }]);
      if (reason === 'unavailable') throw new RewrapFault('unavailable', 503, 'the service cannot check credentials right now: try again');
      const wait = deps.limiter.take(`ip:${remote}`);
      if (wait) throw new RewrapFault('rate_limited', 429, 'too many failed attempts: slow down', wait);
      log('warn', 'authentication failed', { route, reason, remote, requestId });
      throw new RewrapFault('unauthenticated', 401, e instanceof AuthFailure ? e.message : 'the credentials were not accepted');
    }
  };
}
