import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GitsealError } from '../../core/errors.js';
import type { LogFields } from '../../runtime/log.js';
import { requestHandler } from './request-handler.js';
import { RewrapFault } from './rewrap-request.js';
import type { RouteAnswer } from './route-answer.js';
import type { RouteMatch } from './server.js';
import { serviceMetrics } from './service-metrics.js';

interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

/** One request to the handler over plain HTTP on loopback. */
async function send(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, method: string, path: string): Promise<Reply> {
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    return { status: res.status, headers: res.headers, body: await res.text() };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

function setup(answer: (match: RouteMatch) => Promise<RouteAnswer>, closing = false) {
  const metrics = serviceMetrics(() => undefined);
  const logged: Array<{ msg: string; fields: LogFields | undefined }> = [];
  const handle = requestHandler({ answer: (_req, match) => answer(match), isClosing: () => closing, metrics, log: (_level, msg, fields) => logged.push({ msg, fields }) });
  return { handle, metrics, logged };
}

const latencyCount = (text: string, route: string): string | undefined => text.match(new RegExp(`gitseal_request_duration_seconds_count\\{route="${route.replace('.', '\\.')}"\\} (\\d+)`))?.[1];

describe('request handler', () => {
  it('answers the route, with a request id, and counts it by route and status', async () => {
    const { handle, metrics } = setup(async (match) => ({ status: 200, body: { route: match.route } }));
    const reply = await send(handle, 'POST', '/v1/keys/k1/revoke');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ route: 'keys.revoke' });
    expect(reply.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    expect(metrics.requests.get({ route: 'keys.revoke', code: '200' })).toBe(1);
    expect(latencyCount(metrics.registry.render(), 'keys.revoke')).toBe('1');
  });

  it('answers a fault with its wire error, counted under the route "other"', async () => {
    const { handle, metrics, logged } = setup(async () => {
      throw new RewrapFault('rate_limited', 429, 'slow down', 2);
    });
    const reply = await send(handle, 'POST', '/v1/rewrap');
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('2');
    const requestId = reply.headers.get('x-request-id');
    expect(JSON.parse(reply.body)).toEqual({ error: 'rate_limited', message: 'slow down', requestId });
    expect(metrics.requests.get({ route: 'other', code: '429' })).toBe(1);
    expect(latencyCount(metrics.registry.render(), 'other')).toBe('1');
    expect(logged).toEqual([]);
  });

  it('routes before answering: unknown paths and wrong methods never reach a handler', async () => {
    const { handle, metrics } = setup(async () => {
      throw new Error('reached a handler');
    });
    expect((await send(handle, 'GET', '/nope')).status).toBe(404);
    expect((await send(handle, 'DELETE', '/healthz')).status).toBe(405);
    expect(metrics.requests.get({ route: 'other', code: '404' })).toBe(1);
    expect(metrics.requests.get({ route: 'other', code: '405' })).toBe(1);
  });

  it('logs an unexpected error by code only and answers internal', async () => {
    const { handle, metrics, logged } = setup(async () => {
      throw new GitsealError('E_AUDIT', 'fsync failed on /var/lib/gitseal/audit.log');
    });
    const reply = await send(handle, 'POST', '/v1/rewrap');
    expect(reply.status).toBe(500);
    const requestId = reply.headers.get('x-request-id');
    expect(JSON.parse(reply.body)).toEqual({ error: 'internal', message: 'the audit log cannot be written; nothing was released', requestId });
    expect(metrics.auditErrors.get()).toBe(1);
    expect(logged).toEqual([{ msg: 'request failed', fields: { requestId, route: 'other', error: 'E_AUDIT' } }]);
  });

  it('refuses everything once the server is closing', async () => {
    const { handle } = setup(async () => ({ status: 200, body: {} }), true);
    const reply = await send(handle, 'GET', '/healthz');
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toMatchObject({ error: 'unavailable', message: 'the service is shutting down' });
  });
});
