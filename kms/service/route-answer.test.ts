import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Counter, PROMETHEUS_CONTENT_TYPE, Registry } from '../../runtime/metrics.js';
import { sendAnswer, sendWireError } from './route-answer.js';

/** What a client receives when `write` answers its request (plain HTTP on loopback). */
async function received(write: (res: ServerResponse) => void): Promise<{ status: number; headers: Headers; body: string }> {
  const server = createServer((_req, res) => write(res));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    return { status: res.status, headers: res.headers, body: await res.text() };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('route answers', () => {
  it('sends JSON, not to be cached, with the request id', async () => {
    const r = await received((res) => sendAnswer(res, { status: 503, body: { ok: false, reason: 'starting' } }, 'abc'));
    expect(r.status).toBe(503);
    expect(r.body).toBe('{"ok":false,"reason":"starting"}');
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('content-length')).toBe(String(r.body.length));
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-request-id')).toBe('abc');
  });

  it('renders the metrics registry as Prometheus text, without a request id', async () => {
    const registry = new Registry();
    registry.add(new Counter('gitseal_test_total', 'A test counter')).inc({ route: 'healthz' });
    const r = await received((res) => sendAnswer(res, { status: 200, metrics: registry }, 'abc'));
    expect(r.status).toBe(200);
    expect(r.body).toBe(registry.render());
    expect(r.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(r.headers.get('x-request-id')).toBeNull();
  });

  it('sends a wire error with retry-after only when there is a wait', async () => {
    const limited = await received((res) => sendWireError(res, { status: 429, code: 'rate_limited', message: 'slow down', retryAfter: 4 }, 'r1'));
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toEqual({ error: 'rate_limited', message: 'slow down', requestId: 'r1' });
    expect(limited.headers.get('retry-after')).toBe('4');
    expect(limited.headers.get('x-request-id')).toBe('r1');
    const denied = await received((res) => sendWireError(res, { status: 403, code: 'denied', message: 'no' }, 'r2'));
    expect(denied.headers.get('retry-after')).toBeNull();
  });
});
