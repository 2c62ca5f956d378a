import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SignRequest } from '../protocol/types.js';
import { RateLimiter } from './rate-limit.js';
import type { RewrapContext } from './rewrap-service.js';
import { serviceMetrics } from './service-metrics.js';
import { RequestBody } from './request-body.js';
import { signRoute } from './sign-route.js';
import { refusal } from '../../test/helpers/rewrap-fault.js';

const doc = { scope: 'payments/db', docId: 'q83vEjRWeJA', signed: { mode: 'secret', file: 'q83vEjRWeJA', after: 'start', last: true, mac: 'AAAA' } };

function request(body: string): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/sign';
  req.headers = { 'content-length': String(Buffer.byteLength(body)) };
  req.push(Buffer.from(body));
  req.push(null);
  return req;
}

function setup(opts: { limiter?: RateLimiter } = {}) {
  const calls: Array<{ request: SignRequest; ctx: RewrapContext }> = [];
  const answer = { items: [{ ok: true as const, signature: 'w-0123456789abcdef.YQ.AAAA' }] };
  const inner = signRoute({
    service: {
      sign: async (request, ctx) => {
        calls.push({ request, ctx });
        return answer;
      },
    },
    callerOf: async () => ({ subject: 'dev:alice', method: 'ed25519' }),
    limiter: opts.limiter ?? new RateLimiter({ rate: 1000, burst: 1000 }),
    metrics: serviceMetrics(() => undefined),
  });
  const route = (req: IncomingMessage, requestId: string) => inner(req, new RequestBody(req, 4096), requestId);
  return { route, calls, answer };
}


describe('POST /v1/sign', () => {
  it('hands the parsed request and the caller to the sign service', async () => {
    const { route, calls, answer } = setup();
    expect(await route(request(JSON.stringify({ items: [doc] })), 'r1')).toEqual({ status: 200, body: answer });
    expect(calls).toEqual([{ request: { items: [doc] }, ctx: { caller: { subject: 'dev:alice', method: 'ed25519' }, requestId: 'r1' } }]);
  });

  it('rate-limits per item', async () => {
    const limited = setup({ limiter: new RateLimiter({ rate: 1, burst: 1 }) });
    expect(await refusal(limited.route(request(JSON.stringify({ items: [doc, doc] })), 'r'))).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(limited.calls).toEqual([]);
  });
});
