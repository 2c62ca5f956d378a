/** Which handler answers each route that server.ts matches, and what each handler is given. */
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../runtime/log.js';
import type { AuthRequest, Caller } from '../auth/types.js';
import { callerAuthentication } from './caller-authentication.js';
import { keyAdminRoute } from './key-admin-route.js';
import type { Keyring } from './keyring.js';
import type { RateLimiter } from './rate-limit.js';
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
  metrics: ServiceMetrics;
  log: Logger;
  /** Extra readiness checks (policy file loaded, audit writable): a reason when not ready. */
  notReady?: () => string | null;
}

export interface RouteSettings {
  maxBodyBytes: number;
  /** One limiter for callers' rewrap items and for addresses whose credentials fail. */
  limiter: RateLimiter;
  isClosing: () => boolean;
}

export type AnswerRoute = (req: IncomingMessage, match: RouteMatch, requestId: string) => Promise<RouteAnswer>;

export function routeHandlers(deps: RouteDeps, settings: RouteSettings): AnswerRoute {
  const { audit, keyring, metrics, log } = deps;
  const { limiter } = settings;
  const callerOf = callerAuthentication({ authenticate: deps.authenticate, audit, limiter, metrics, log });
  const status = statusRoutes({
    keyring,
    registry: metrics.registry,
    isClosing: settings.isClosing,
    writerKey: deps.writerKey ?? null,
    ...(deps.notReady ? { notReady: deps.notReady } : {}),
  });
  const rewrap = rewrapRoute({ service: deps.service, callerOf, limiter, metrics, maxBodyBytes: settings.maxBodyBytes });
  const sign = signRoute({ service: deps.signer, callerOf, limiter, metrics, maxBodyBytes: settings.maxBodyBytes });
  const keyAdmin = keyAdminRoute({ keyring, policy: deps.policy, audit, callerOf, log });
  return async (req, match, requestId) => {
    switch (match.route) {
      case 'healthz':
        return status.healthz();
      case 'readyz':
        return status.readyz();
      case 'keys':
        return status.keys();
      case 'metrics':
        return status.metrics();
      case 'rewrap':
        return rewrap(req, requestId);
      case 'sign':
        return sign(req, requestId);
      case 'keys.rotate':
      case 'keys.revoke':
      case 'keys.destroy':
        return keyAdmin(req, match, requestId);
    }
  };
}
