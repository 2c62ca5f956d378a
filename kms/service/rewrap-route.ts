/** POST /v1/rewrap: authenticate, then read, parse and rate-limit the request, then let the service answer it. */
import type { IncomingMessage } from 'node:http';
import type { CallerOf } from './caller-authentication.js';
import type { RateLimiter } from './rate-limit.js';
import { parseJson, type RequestBody } from './request-body.js';
import { parseRewrapRequest, RewrapFault } from './rewrap-request.js';
import type { RewrapService } from './rewrap-service.js';
import type { RouteAnswer } from './route-answer.js';
import type { ServiceMetrics } from './service-metrics.js';

export interface RewrapRouteDeps {
  service: Pick<RewrapService, 'rewrap'>;
  callerOf: CallerOf;
  limiter: Pick<RateLimiter, 'take'>;
  metrics: Pick<ServiceMetrics, 'rateLimited' | 'items'>;
}

export function rewrapRoute(deps: RewrapRouteDeps): (req: IncomingMessage, body: RequestBody, requestId: string) => Promise<RouteAnswer> {
  const { metrics } = deps;
  return async (req, body, requestId) => {
    const caller = await deps.callerOf(req, body, 'rewrap', requestId);
    const request = parseRewrapRequest(parseJson(await body.read()));
    const wait = deps.limiter.take(caller.subject, request.items.length);
    if (wait) {
      metrics.rateLimited.inc();
      throw new RewrapFault('rate_limited', 429, `too many requests from ${caller.subject}: retry in ${wait} s`, wait);
    }
    const remote = req.socket.remoteAddress;
    const out = await deps.service.rewrap(request, { caller, requestId, ...(remote ? { remote } : {}) });
    for (const r of out.items) metrics.items.inc({ result: r.ok ? 'ok' : r.error });
    return { status: 200, body: out };
  };
}
