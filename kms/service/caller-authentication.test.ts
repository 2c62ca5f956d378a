import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LogFields } from '../../runtime/log.js';
import { AuthFailure, type AuthRequest, type Caller } from '../auth/types.js';
import { callerAuthentication } from './caller-authentication.js';
import { RateLimiter } from './rate-limit.js';
import { RefusalAudit } from './refusal-audit.js';
import { RewrapFault } from './rewrap-request.js';
import { serviceMetrics } from './service-metrics.js';
import type { AuditEvent } from './types.js';
import { refusal } from '../../test/helpers/rewrap-fault.js';

const TOKEN = 'Bearer eyJhbGciOi.secret-token';
/** A body the authenticators under test never ask for. */
const UNREAD = { sha256: (): Promise<Uint8Array> => Promise.reject(new Error('the body was read')) };

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
  const refusals = new RefusalAudit({ append: async (events) => void audited.push(...events) }, 3_600_000);
  const callerOf = callerAuthentication({
    authenticate,
    refusals,
    failures: limiter,
    metrics,
    log: (_level, msg, fields) => logged.push({ msg, fields }),
  });
  return { callerOf, audited, logged, metrics, refusals };
}


describe('caller authentication', () => {
  it("gives the authenticators the request line, headers and the body's SHA-256 on demand", async () => {
    let seen: AuthRequest | undefined;
    const { callerOf, audited } = setup(async (r) => {
      seen = r;
      return { subject: 'dev:alice', method: 'ed25519' };
    });
    const digest = new Uint8Array(32).fill(7);
    expect(await callerOf(request(), { sha256: async () => digest }, 'rewrap', 'r1')).toEqual({ subject: 'dev:alice', method: 'ed25519' });
    expect(seen).toMatchObject({ method: 'POST', path: '/v1/rewrap?x=1', headers: { authorization: TOKEN } });
    expect(await seen?.bodySha256()).toBe(digest);
    expect(seen?.peerCommonName).toBeUndefined();
    expect(audited).toEqual([]);
  });

  it('refuses bad credentials: counted, audited and logged by reason, never with the token', async () => {
    const { callerOf, audited, logged, metrics } = setup(async () => {
      throw new AuthFailure('expired', 'the token expired');
    });
    const e = await refusal(callerOf(request('10.0.0.7'), UNREAD, 'keys.rotate', 'r2'));
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
    const e = await refusal(callerOf(request(), UNREAD, 'rewrap', 'r3'));
    expect(e).toMatchObject({ code: 'unauthenticated', status: 401, message: 'the credentials were not accepted' });
    expect(audited[0]).toMatchObject({ reason: 'error', remote: 'unknown' });
  });

  it('answers 503 when the credentials cannot be checked', async () => {
    const { callerOf, logged } = setup(async () => {
      throw new AuthFailure('unavailable', 'the issuer is down');
    });
    expect(await refusal(callerOf(request(), UNREAD, 'rewrap', 'r4'))).toMatchObject({ code: 'unavailable', status: 503 });
    expect(logged).toEqual([]);
  });

  it('slows down an address that keeps failing', async () => {
    const { callerOf } = setup(async () => {
      throw new AuthFailure('signature', 'bad signature');
    }, new RateLimiter({ rate: 1, burst: 2 }, () => 0));
    const attempt = () => refusal(callerOf(request('10.0.0.9'), UNREAD, 'rewrap', 'r5'));
    expect((await attempt()).code).toBe('unauthenticated');
    expect((await attempt()).code).toBe('unauthenticated');
    expect(await attempt()).toMatchObject({ code: 'rate_limited', status: 429, message: 'too many failed attempts: slow down', retryAfter: 1 });
  });

  it('audits the first refusal of a reason at once and counts the rest, limited ones included, into one record', async () => {
    const { callerOf, audited, logged, refusals } = setup(async () => {
      throw new AuthFailure('malformed', 'not a JWT');
    }, new RateLimiter({ rate: 1, burst: 3 }, () => 0));
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await refusal(callerOf(request('10.0.0.5'), UNREAD, 'rewrap', `r${i}`))).code);
    expect(codes).toEqual([...Array<string>(3).fill('unauthenticated'), ...Array<string>(7).fill('rate_limited')]);
    expect(audited).toEqual([{ subject: 'unauthenticated', method: 'none', operation: 'authenticate', decision: 'deny', reason: 'malformed', requestId: 'r0', remote: '10.0.0.5' }]);
    expect(logged).toHaveLength(3);
    await refusals.close();
    expect(audited.slice(1)).toEqual([{ subject: 'unauthenticated', method: 'none', operation: 'authenticate', decision: 'deny', reason: 'malformed', requestId: 'summary', count: 9, remote: '10.0.0.5' }]);
  });

  it('passes on what the body reader threw for a signed request (too large, too slow), not as a refused credential', async () => {
    const { callerOf, audited } = setup(async (r) => {
      await r.bodySha256();
      return { subject: 'dev:alice', method: 'ed25519' };
    });
    const tooLarge = { sha256: (): Promise<Uint8Array> => Promise.reject(new RewrapFault('too_large', 413, 'the body is over 10 bytes')) };
    expect(await refusal(callerOf(request(), tooLarge, 'rewrap', 'r1'))).toMatchObject({ code: 'too_large', status: 413 });
    expect(audited).toEqual([]);
  });
});
