/**
 * Which handler answers each route that server.ts matches, and what each
 * handler is given. A POST route gets its body unread, behind the gate of
 * bodies in flight; the slot is given back when the route has answered.
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../runtime/log.js';
import type { AuthRequest, Caller } from '../auth/types.js';
import { callerAuthentication } from './caller-authentication.js';
import type { AuditCheckpoint } from './checkpoint.js';
import { keyAdminRoute } from './key-admin-route.js';
import type { Keyring } from './keyring.js';
import type { RateLimiter } from './rate-limit.js';
import type { RefusalAudit } from './refusal-audit.js';
import { RequestBody, type BodyGate } from './request-body.js';
import { rewrapRoute } from './rewrap-route.js';
import type { Auditor, RewrapService } from './rewrap-service.js';
import type { RouteAnswer } from './route-answer.js';
import type { RouteMatch } from './server.js';
import type { ServiceMetrics } from './service-metrics.js';
import { signRoute } from './sign-route.js';
import type { SignService } from './sign-service.js';
import { statusRoutes } from './status-routes.js';
import type { Policy } from './types.js';
import type { PublicWriterKey } from '../protocol/types.js';

export interface RouteDeps {
  authenticate: (req: AuthRequest) => Promise<Caller>;
  service: Pick<RewrapService, 'rewrap'>;
  /** POST /v1/sign. */
  signer: Pick<SignService, 'sign'>;
  /** The service's writer key, published on GET /v1/keys. */
  writerKey?: PublicWriterKey | null;
  keyring: Pick<Keyring, 'state' | 'lastError' | 'keys' | 'rotate' | 'revoke' | 'destroy'>;
  policy: () => Policy;
  audit: Auditor;
  /** GET /v1/audit/head: the latest signed checkpoint of the audit log. */
  auditHead?: () => AuditCheckpoint;
  metrics: ServiceMetrics;
  log: Logger;
  /** Extra readiness checks (policy file loaded, audit writable): a reason when not ready. */
  notReady?: () => string | null;
}

export interface RouteSettings {
  maxBodyBytes: number;
  /** Callers' rewrap and sign items, by subject. */
  limiter: RateLimiter;
  /** Failed authentications, by address. */
  failures: RateLimiter;
  refusals: Pick<RefusalAudit, 'refused'>;
  bodies: BodyGate;
  isClosing: () => boolean;
}

/** Key operations carry no body worth the name; only a signed request's is read, to hash it. */
const ADMIN_BODY_BYTES = 64 * 1024;

export type AnswerRoute = (req: IncomingMessage, match: RouteMatch, requestId: string) => Promise<RouteAnswer>;

export function routeHandlers(deps: RouteDeps, settings: RouteSettings): AnswerRoute {
  const { audit, keyring, metrics, log } = deps;
  const { limiter } = settings;
  const callerOf = callerAuthentication({ authenticate: deps.authenticate, refusals: settings.refusals, failures: settings.failures, metrics, log });
  const status = statusRoutes({
    keyring,
    registry: metrics.registry,
    isClosing: settings.isClosing,
    writerKey: deps.writerKey ?? null,
    ...(deps.auditHead ? { auditHead: deps.auditHead } : {}),
    ...(deps.notReady ? { notReady: deps.notReady } : {}),
  });
  const rewrap = rewrapRoute({ service: deps.service, callerOf, limiter, metrics });
  const sign = signRoute({ service: deps.signer, callerOf, limiter, metrics });
  const keyAdmin = keyAdminRoute({ keyring, policy: deps.policy, audit, callerOf, log });
  return async (req, match, requestId) => {
    switch (match.route) {
      case 'healthz':
        return status.healthz();
      case 'readyz':
        return status.readyz();
      case 'keys':
        return status.keys();
      case 'recipient':
        return status.recipient();
      case 'audit.head':
        return status.auditHead();
      case 'metrics':
        return status.metrics();
      case 'rewrap':
        return withBody(req, settings.maxBodyBytes, (body) => rewrap(req, body, requestId));
      case 'sign':
        return withBody(req, settings.maxBodyBytes, (body) => sign(req, body, requestId));
      case 'keys.rotate':
      case 'keys.revoke':
      case 'keys.destroy':
        return withBody(req, ADMIN_BODY_BYTES, (body) => keyAdmin(req, body, match, requestId));
    }
  };

  async function withBody(req: IncomingMessage, max: number, route: (body: RequestBody) => Promise<RouteAnswer>): Promise<RouteAnswer> {
    const body = new RequestBody(req, max, settings.bodies);
    try {
      return await route(body);
    } finally {
      body.release();
    }
  }
}
