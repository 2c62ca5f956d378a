import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { PublicOrgKey } from '../protocol/types.js';
import { AuthFailure } from '../auth/types.js';
import { BodyGate } from './request-body.js';
import { RateLimiter } from './rate-limit.js';
import { RewrapFault } from './rewrap-request.js';
import { routeHandlers } from './route-handlers.js';
import { serviceMetrics } from './service-metrics.js';

const KEY: PublicOrgKey = { kid: 'k1', alg: 'mlkem1024-x25519', recipient: 'gitseal1…', state: 'active', created: '2025-01-01T00:00:00.000Z' };
const unused = (): never => {
  throw new Error('not reached in this test');
};

function request(remote: string): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: remote });
  const req = new IncomingMessage(socket);
  req.method = 'POST';
  req.headers = {};
  req.push(Buffer.from('{}'));
  req.push(null);
  return req;
}

function setup(closing = false) {
  const metrics = serviceMetrics(() => undefined);
  const answer = routeHandlers(
    {
      authenticate: async () => {
        throw new AuthFailure('signature', 'bad signature');
      },
      service: { rewrap: unused },
      signer: { sign: unused },
      keyring: { state: 'ready', lastError: null, keys: () => [KEY], rotate: unused, revoke: unused, destroy: unused },
      policy: unused,
      audit: { append: async () => {} },
      metrics,
      log: () => {},
    },
    {
      maxBodyBytes: 1024,
      limiter: new RateLimiter({ rate: 1000, burst: 1000 }),
      failures: new RateLimiter({ rate: 1, burst: 1 }, () => 0),
      refusals: { refused: async () => {} },
      bodies: new BodyGate(1),
      isClosing: () => closing,
    },
  );
  return { answer, metrics };
}

const codeOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'answered',
    (e: unknown) => (e instanceof RewrapFault ? e.code : 'other error'),
  );

describe('route handlers', () => {
  it('answers the status routes', async () => {
    const { answer, metrics } = setup();
    const req = request('10.0.0.1');
    expect(await answer(req, { route: 'healthz' }, 'r1')).toEqual({ status: 200, body: { ok: true } });
    expect(await answer(req, { route: 'readyz' }, 'r1')).toEqual({ status: 200, body: { ok: true } });
    expect(await answer(req, { route: 'keys' }, 'r1')).toEqual({ status: 200, body: { keys: [KEY] } });
    expect(await answer(req, { route: 'metrics' }, 'r1')).toEqual({ status: 200, metrics: metrics.registry });
    expect(await setup(true).answer(req, { route: 'readyz' }, 'r1')).toEqual({ status: 503, body: { ok: false, reason: 'shutting down' } });
  });

  it('authenticates rewrap and key admin requests, under one limiter for failing addresses', async () => {
    const { answer, metrics } = setup();
    expect(await codeOf(answer(request('10.0.0.2'), { route: 'rewrap' }, 'r2'))).toBe('unauthenticated');
    expect(await codeOf(answer(request('10.0.0.2'), { route: 'keys.revoke', kid: 'k1' }, 'r3'))).toBe('rate_limited');
    expect(await codeOf(answer(request('10.0.0.3'), { route: 'keys.rotate' }, 'r4'))).toBe('unauthenticated');
    expect(metrics.authFailures.get({ reason: 'signature' })).toBe(3);
  });
});
