import { createHash } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RewrapRequest, RewrapResponse } from '../protocol/types.js';
import type { CallerOf } from './caller-authentication.js';
import { RateLimiter } from './rate-limit.js';
import { RewrapFault } from './rewrap-request.js';
import type { RewrapContext } from './rewrap-service.js';
import { RequestBody } from './request-body.js';
import { rewrapRoute } from './rewrap-route.js';
import { serviceMetrics } from './service-metrics.js';
import { refusal } from '../../test/helpers/rewrap-fault.js';

const item = { kid: 'org-3f2a9c1d7e5b4a60', alg: 'mlkem1024-x25519', enc: 'AAAA', dek: 'BBBB', scope: 'prod/db-credentials', docId: 'q83vEjRWeJA' };
const clientKey = 'A'.repeat(43);

function request(body: string): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/rewrap';
  req.headers = { 'content-length': String(Buffer.byteLength(body)) };
  req.push(Buffer.from(body));
  req.push(null);
  return req;
}

function setup(opts: { callerOf?: CallerOf; limiter?: RateLimiter; maxBodyBytes?: number } = {}) {
  const calls: Array<{ request: RewrapRequest; ctx: RewrapContext }> = [];
  const metrics = serviceMetrics(() => undefined);
  const answer: RewrapResponse = { serverKey: 'S'.repeat(43), items: [{ ok: true, sealed: 'QQ' }, { ok: false, error: 'denied', message: 'denied by policy' }] };
  const inner = rewrapRoute({
    service: {
      rewrap: async (request, ctx) => {
        calls.push({ request, ctx });
        return answer;
      },
    },
    callerOf: opts.callerOf ?? (async () => ({ subject: 'dev:alice', method: 'ed25519' })),
    limiter: opts.limiter ?? new RateLimiter({ rate: 1000, burst: 1000 }),
    metrics,
  });
  const route = (req: IncomingMessage, requestId: string) => inner(req, new RequestBody(req, opts.maxBodyBytes ?? 1024), requestId);
  return { route, calls, metrics, answer };
}


describe('POST /v1/rewrap', () => {
  it('hands the parsed request and the caller to the service, and counts items by result', async () => {
    const { route, calls, metrics, answer } = setup();
    expect(await route(request(JSON.stringify({ clientKey, items: [item, item] })), 'r1')).toEqual({ status: 200, body: answer });
    expect(calls).toEqual([{ request: { clientKey, items: [item, item] }, ctx: { caller: { subject: 'dev:alice', method: 'ed25519' }, requestId: 'r1' } }]);
    expect(metrics.items.get({ result: 'ok' })).toBe(1);
    expect(metrics.items.get({ result: 'denied' })).toBe(1);
  });

  it('authenticates before reading the body, which it offers as a SHA-256', async () => {
    const seen: string[] = [];
    const { route, calls } = setup({
      callerOf: async (_req, body, routeName, requestId) => {
        seen.push(Buffer.from(await body.sha256()).toString('hex'), routeName, requestId);
        throw new RewrapFault('unauthenticated', 401, 'no credentials');
      },
    });
    expect((await refusal(route(request('not json'), 'r2'))).code).toBe('unauthenticated');
    expect(seen).toEqual([createHash('sha256').update('not json').digest('hex'), 'rewrap', 'r2']);
    expect(calls).toEqual([]);
  });

  it('refuses a body over the limit and one that does not parse', async () => {
    const { route } = setup({ maxBodyBytes: 10 });
    expect(await refusal(route(request(JSON.stringify({ clientKey, items: [item] })), 'r3'))).toMatchObject({ code: 'too_large', status: 413 });
    const { route: roomy } = setup();
    expect(await refusal(roomy(request('{'), 'r4'))).toMatchObject({ code: 'bad_request', status: 400 });
    expect(await refusal(roomy(request(JSON.stringify({ clientKey, items: [] })), 'r5'))).toMatchObject({ code: 'bad_request', status: 400 });
  });

  it('charges the caller one token per item and says when to retry', async () => {
    const { route, calls, metrics } = setup({ limiter: new RateLimiter({ rate: 1, burst: 2 }, () => 0) });
    const fault = await refusal(route(request(JSON.stringify({ clientKey, items: [item, item, item] })), 'r6'));
    expect(fault).toMatchObject({ code: 'rate_limited', status: 429, message: 'too many requests from dev:alice: retry in 1 s', retryAfter: 1 });
    expect(metrics.rateLimited.get()).toBe(1);
    expect(calls).toEqual([]);
  });
});
