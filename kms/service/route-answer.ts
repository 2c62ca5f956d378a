/** What a route answers, and how an answer or a wire error is written. */
import type { ServerResponse } from 'node:http';
import { PROMETHEUS_CONTENT_TYPE, type Registry } from '../../runtime/metrics.js';
import type { WireError } from './wire-error.js';

/** A JSON body, or the metrics registry, rendered only once the route has answered. */
export type RouteAnswer = { status: number; body: unknown } | { status: 200; metrics: Registry };

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export function sendAnswer(res: ServerResponse, answer: RouteAnswer, requestId: string): void {
  if ('metrics' in answer) {
    const text = answer.metrics.render();
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  } else sendJson(res, answer.status, answer.body, { 'x-request-id': requestId });
}

export function sendWireError(res: ServerResponse, error: WireError, requestId: string): void {
  const headers = { 'x-request-id': requestId, ...(error.retryAfter ? { 'retry-after': String(error.retryAfter) } : {}) };
  sendJson(res, error.status, { error: error.code, message: error.message, requestId }, headers);
}
