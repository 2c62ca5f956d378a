import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LogFields } from '../../runtime/log.js';
import { AuthFailure, type AuthRequest, type Caller } from '../auth/types.js';
import { callerAuthentication } from './caller-authentication.js';
import { RateLimiter } from './rate-limit.js';
import { RewrapFault } from './rewrap-request.js';
import { serviceMetrics } from './service-metrics.js';
import type { AuditEvent } from './types.js';

const TOKEN = 'Bearer eyJhbGciOi.secret-token';

function request(remote?: string): IncomingMessage {
  const socket = new Socket();
  if (remote) Object.defineProperty(socket, 'remoteAddress', { value: remote });
  const req = new IncomingMessage(socket);
  req.method = 'POST';
  req.url = '/v1/rewrap?x=1';
  req.headers = { authorization: TOKEN };
  return req;
}

function setup(authenticate: (req: AuthRequest) => Promise<Caller>, limiter = new RateLimiter({ rate: 1000, burst: 1000 })) {
  const audited: AuditEvent[] = [];
  const logged: Array<{ msg: string; fields: LogFields | undefined }> = [];
  const metrics = serviceMetrics(() => undefined);
  const callerOf = callerAuthentication({
    authenticate,
    audit: { append: async (events) => void audited.push(...events) },
    limiter,
    metrics,
    log: (_level, msg, fields) => logged.push({ msg, fields }),
  });
  return { callerOf, audited, logged, metrics };
}

const refusal = async (p: Promise<unknown>): Promise<RewrapFault> => {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof RewrapFault)) throw new Error('expected a RewrapFault');
  return e;
};

describe('caller authentication', () => {
  it('gives the authenticators the request line, headers and raw body', async () => {
    let seen: AuthRequest | undefined;
    const { callerOf, audited } = setup(async (r) => {
      seen = r;
      return { subject: 'dev:alice', method: 'ed25519' };
    });
    const body = Buffer.from('{}');
    expect(await callerOf(request(), body, 'rewrap', 'r1')).toEqual({ subject: 'dev:alice', method: 'ed25519' });
    expect(seen).toMatchObject({ method: 'POST', path: '/v1/rewrap?x=1', headers: { authorization: TOKEN }, body });
    expect(seen?.peerCommonName).toBeUndefined();
    expect(audited).toEqual([]);
  });

  it('refuses bad credentials: counted, audited and logged by reason, never with the token', async () => {
    const { callerOf, audited, logged, metrics } = setup(async () => {
      throw new AuthFailure('expired', 'the token expired');
    });
    const e = await refusal(callerOf(request('10.0.0.7'), Buffer.alloc(0), 'keys.rotate', 'r2'));
    expect(e).toMatchObject({ code: 'unauthenticated', status: 401, message: 'the token expired' });
    expect(metrics.authFailures.get({ reason: 'expired' })).toBe(1);
    expect(audited).toEqual([{ subject: 'unauthenticated', method: 'none', operation: 'authenticate', decision: 'deny', reason: 'expired', requestId: 'r2', remote: '10.0.0.7' }]);
    expect(logged).toEqual([{ msg: 'authentication failed', fields: { route: 'keys.rotate', reason: 'expired', remote: '10.0.0.7', requestId: 'r2' } }]);
    expect(JSON.stringify([audited, logged])).not.toContain('secret-token');
  });

  it('hides what an authenticator threw that is not an AuthFailure', async () => {
    const { callerOf, audited } = setup(async () => {
      throw new Error('socket hang up at https://issuer');
    });
    const e = await refusal(callerOf(request(), Buffer.alloc(0), 'rewrap', 'r3'));
    expect(e).toMatchObject({ code: 'unauthenticated', status: 401, message: 'the credentials were not accepted' });
    expect(audited[0]).toMatchObject({ reason: 'error', remote: 'unknown' });
  });

  it('answers 503 when the credentials cannot be checked', async () => {
    const { callerOf, logged } = setup(async () => {
      throw new AuthFailure('unavailable', 'the issuer is down');
    });
    expect(await refusal(callerOf(request(), Buffer.alloc(0), 'rewrap', 'r4'))).toMatchObject({ code: 'unavailable', status: 503 });
    expect(logged).toEqual([]);
  });

  it('slows down an address that keeps failing', async () => {
    const { callerOf } = setup(async () => {
      throw new AuthFailure('signature', 'bad signature');
    }, new RateLimiter({ rate: 1, burst: 2 }, () => 0));
    const attempt = () => refusal(callerOf(request('10.0.0.9'), Buffer.alloc(0), 'rewrap', 'r5'));
    expect((await attempt()).code).toBe('unauthenticated');
    expect((await attempt()).code).toBe('unauthenticated');
    expect(await attempt()).toMatchObject({ code: 'rate_limited', status: 429, message: 'too many failed attempts: slow down', retryAfter: 1 });
  });
});
