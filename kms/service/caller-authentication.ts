/**
 * Who sent a request, from its credentials, before its body is read: the
 * body is handed over unread, and only a signed request's authenticator
 * reads it (issue 15). A refusal is counted and logged by reason only; an
 * address with too many failed authentications gets 429 from its own
 * low limiter before anything is written, and the refusals reach the audit
 * log counted per reason (refusal-audit.ts), not one fdatasync each.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../runtime/log.js';
import { AuthFailure, type AuthRequest, type Caller } from '../auth/types.js';
import type { RateLimiter } from './rate-limit.js';
import type { RefusalAudit } from './refusal-audit.js';
import type { RequestBody } from './request-body.js';
import { RewrapFault } from './rewrap-request.js';
import type { ServiceMetrics } from './service-metrics.js';

export interface CallerAuthenticationDeps {
  authenticate: (req: AuthRequest) => Promise<Caller>;
  refusals: Pick<RefusalAudit, 'refused'>;
  /** Failed authentications by address: a low limit. */
  failures: Pick<RateLimiter, 'take'>;
  metrics: Pick<ServiceMetrics, 'authFailures'>;
  log: Logger;
}

/** `route` names the request in the log line of a refusal. */
export type CallerOf = (req: IncomingMessage, body: Pick<RequestBody, 'sha256'>, route: string, requestId: string) => Promise<Caller>;

function authRequestOf(req: IncomingMessage, body: Pick<RequestBody, 'sha256'>): AuthRequest {
  const sock = req.socket as TLSSocket;
  const cn = sock.authorized ? sock.getPeerCertificate()?.subject?.CN : undefined;
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    bodySha256: () => body.sha256(),
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
      // The body of a signed request was too large or too slow: its own answer, not a refused credential.
      if (e instanceof RewrapFault) throw e;
      const reason = e instanceof AuthFailure ? e.reason : 'error';
      metrics.authFailures.inc({ reason });
      const remote = req.socket.remoteAddress ?? 'unknown';
      if (reason === 'unavailable') {
        await deps.refusals.refused(reason, remote, requestId);
        throw new RewrapFault('unavailable', 503, 'the service cannot check credentials right now: try again');
      }
      const wait = deps.failures.take(`ip:${remote}`);
      if (wait) {
        await deps.refusals.refused(reason, remote, requestId, false);
        throw new RewrapFault('rate_limited', 429, 'too many failed attempts: slow down', wait);
      }
      await deps.refusals.refused(reason, remote, requestId);
      log('warn', 'authentication failed', { route, reason, remote, requestId });
      throw new RewrapFault('unauthenticated', 401, e instanceof AuthFailure ? e.message : 'the credentials were not accepted');
    }
  };
}
