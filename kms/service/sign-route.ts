/** POST /v1/sign: authenticate, then read, parse and rate-limit the request, then let the sign service answer it. */
import type { IncomingMessage } from 'node:http';
import type { CallerOf } from './caller-authentication.js';
import type { RateLimiter } from './rate-limit.js';
import { parseJson, type RequestBody } from './request-body.js';
import { RewrapFault } from './rewrap-request.js';
import type { RouteAnswer } from './route-answer.js';
import type { ServiceMetrics } from './service-metrics.js';
import { parseSignRequest } from './sign-request.js';
import type { SignService } from './sign-service.js';

export interface SignRouteDeps {
  service: Pick<SignService, 'sign'>;
  callerOf: CallerOf;
  limiter: Pick<RateLimiter, 'take'>;
  metrics: Pick<ServiceMetrics, 'rateLimited'>;
}

export function signRoute(deps: SignRouteDeps): (req: IncomingMessage, body: RequestBody, requestId: string) => Promise<RouteAnswer> {
  return async (req, body, requestId) => {
    const caller = await deps.callerOf(req, body, 'sign', requestId);
    const request = parseSignRequest(parseJson(await body.read()));
    const wait = deps.limiter.take(caller.subject, request.items.length);
    if (wait) {
      deps.metrics.rateLimited.inc();
      throw new RewrapFault('rate_limited', 429, `too many requests from ${caller.subject}: retry in ${wait} s`, wait);
    }
    const remote = req.socket.remoteAddress;
    return { status: 200, body: await deps.service.sign(request, { caller, requestId, ...(remote ? { remote } : {}) }) };
  };
}
