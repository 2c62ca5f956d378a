/**
 * What every request goes through: a request id, the route, its answer or
 * its error as a wire error, and the request count and latency by route.
 * A request whose route throws is counted under the route 'other'. Errors
 * that are not RewrapFaults are logged by code only. An answer given before
 * the body was read (a refused credential) closes the connection, so the
 * rest of the body is not waited for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isGitsealError } from '../../core/errors.js';
import type { Logger } from '../../runtime/log.js';
import { newRequestId } from './request-id.js';
import { RewrapFault } from './rewrap-request.js';
import { sendAnswer, sendWireError, type RouteAnswer } from './route-answer.js';
import { matchRoute, type RouteMatch } from './server.js';
import type { ServiceMetrics } from './service-metrics.js';
import { wireErrorOf } from './wire-error.js';

export interface RequestHandlerDeps {
  answer: (req: IncomingMessage, match: RouteMatch, requestId: string) => Promise<RouteAnswer>;
  isClosing: () => boolean;
  metrics: Pick<ServiceMetrics, 'requests' | 'latency' | 'auditErrors'>;
  log: Logger;
}

export function requestHandler(deps: RequestHandlerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { metrics, log } = deps;
  return async (req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    let routeName = 'other';
    try {
      if (deps.isClosing()) throw new RewrapFault('unavailable', 503, 'the service is shutting down');
      const match = matchRoute(req.method ?? 'GET', req.url ?? '/');
      const answer = await deps.answer(req, match, requestId);
      routeName = match.route;
      sendAnswer(res, answer, requestId);
      metrics.requests.inc({ route: routeName, code: String(answer.status) });
    } catch (e) {
      if (!(e instanceof RewrapFault)) {
        if (isGitsealError(e, 'E_AUDIT')) metrics.auditErrors.inc();
        log('error', 'request failed', { requestId, route: routeName, error: isGitsealError(e) ? e.code : 'internal' });
      }
      const error = wireErrorOf(e);
      if (!req.complete && !res.headersSent) res.setHeader('connection', 'close');
      if (!res.headersSent) sendWireError(res, error, requestId);
      else res.destroy();
      metrics.requests.inc({ route: routeName, code: String(error.status) });
    } finally {
      metrics.latency.observe((performance.now() - started) / 1000, { route: routeName });
    }
  };
}
