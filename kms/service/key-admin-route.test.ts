import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GitsealError } from '../../core/errors.js';
import type { Operation, PublicOrgKey } from '../protocol/types.js';
import { RequestBody } from './request-body.js';
import { keyAdminRoute } from './key-admin-route.js';
import { RewrapFault } from './rewrap-request.js';
import type { AuditEvent } from './types.js';

const key = (kid: string, state: PublicOrgKey['state']): PublicOrgKey => ({ kid, alg: 'mlkem1024-x25519', recipient: 'gitseal1…', state, created: '2025-01-01T00:00:00.000Z' });

function request(remote?: string, body = ''): IncomingMessage {
  const socket = new Socket();
  if (remote) Object.defineProperty(socket, 'remoteAddress', { value: remote });
  const req = new IncomingMessage(socket);
  req.method = 'POST';
  req.headers = {};
  req.push(Buffer.from(body));
  req.push(null);
  return req;
}

function setup(opts: { allow?: Operation[]; keyringFails?: Error; signed?: boolean } = {}) {
  const audited: AuditEvent[] = [];
  const logged: string[] = [];
  const changed: string[] = [];
  const change = (what: string, result: PublicOrgKey) => async (): Promise<PublicOrgKey> => {
    changed.push(what);
    if (opts.keyringFails) throw opts.keyringFails;
    return result;
  };
  const inner = keyAdminRoute({
    keyring: {
      rotate: change('rotate', key('k2', 'active')),
      revoke: (kid) => change(`revoke ${kid}`, key(kid, 'revoked'))(),
      destroy: (kid) => change(`destroy ${kid}`, key(kid, 'destroyed'))(),
    },
    policy: () => ({ decide: (_subject, scope, op) => ({ allowed: scope === '*' && (opts.allow ?? []).includes(op), rule: null, reason: '' }), signaturesRequiredBy: () => null }),
    audit: { append: async (events) => void audited.push(...events) },
    // A signed request's authentication hashes the body (kms/auth/request-signature.ts); bearer and mTLS never read it.
    callerOf: async (_req, body) => {
      if (opts.signed) await body.sha256();
      return { subject: 'dev:admin', method: 'ed25519' };
    },
    log: (_level, msg) => logged.push(msg),
  });
  const route = (req: IncomingMessage, target: Parameters<typeof inner>[2], requestId: string) => inner(req, new RequestBody(req, 64 * 1024), target, requestId);
  return { route, audited, logged, changed };
}

const refusal = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (err: unknown) => err,
  );

describe('key admin routes', () => {
  it('rotates, revokes and destroys when the policy allows it on every scope, and audits each', async () => {
    const { route, audited, logged, changed } = setup({ allow: ['keys.rotate', 'keys.revoke', 'keys.destroy'] });
    expect(await route(request('10.0.0.1'), { route: 'keys.rotate' }, 'r1')).toEqual({ status: 200, body: { key: key('k2', 'active') } });
    expect(await route(request(), { route: 'keys.revoke', kid: 'k1' }, 'r2')).toEqual({ status: 200, body: { key: key('k1', 'revoked') } });
    expect(await route(request(), { route: 'keys.destroy', kid: 'k1' }, 'r3')).toEqual({ status: 200, body: { key: key('k1', 'destroyed') } });
    expect(changed).toEqual(['rotate', 'revoke k1', 'destroy k1']);
    expect(audited).toEqual([
      { subject: 'dev:admin', method: 'ed25519', operation: 'keys.rotate', requestId: 'r1', remote: '10.0.0.1', kid: 'k2', decision: 'allow', reason: 'ok' },
      { subject: 'dev:admin', method: 'ed25519', operation: 'keys.revoke', requestId: 'r2', kid: 'k1', decision: 'allow', reason: 'ok' },
      { subject: 'dev:admin', method: 'ed25519', operation: 'keys.destroy', requestId: 'r3', kid: 'k1', decision: 'allow', reason: 'ok' },
    ]);
    expect(logged).toEqual(['admin keys.rotate', 'admin keys.revoke', 'admin keys.destroy']);
  });

  it('refuses what the policy does not allow, audits the denial and leaves the keys alone', async () => {
    const { route, audited, changed } = setup({ allow: ['keys.rotate'] });
    const e = await refusal(route(request(), { route: 'keys.destroy', kid: 'k1' }, 'r4'));
    expect(e).toBeInstanceOf(RewrapFault);
    expect(e).toMatchObject({ code: 'denied', status: 403, message: 'denied by policy: keys.destroy for dev:admin' });
    expect(audited).toEqual([{ subject: 'dev:admin', method: 'ed25519', operation: 'keys.destroy', requestId: 'r4', kid: 'k1', decision: 'deny', reason: 'denied' }]);
    expect(changed).toEqual([]);
  });

  it('answers keyring refusals with their wire codes; a state change it refuses is a conflict', async () => {
    const cases: Array<[GitsealError, string, number]> = [
      [new GitsealError('E_USAGE', 'k1 is already revoked'), 'bad_request', 409],
      [new GitsealError('E_NO_KEY', 'no org key k1'), 'unknown_kid', 404],
      [new GitsealError('E_ROOT_REVOKED', 'the root refused'), 'root_revoked', 503],
      [new GitsealError('E_ROOT', 'the root is unreachable'), 'unavailable', 503],
    ];
    for (const [thrown, code, status] of cases) {
      const { route, audited } = setup({ allow: ['keys.revoke'], keyringFails: thrown });
      expect(await refusal(route(request(), { route: 'keys.revoke', kid: 'k1' }, 'r5'))).toMatchObject({ code, status, message: thrown.message });
      expect(audited).toEqual([{ subject: 'dev:admin', method: 'ed25519', operation: 'keys.revoke', requestId: 'r5', kid: 'k1', decision: 'deny', reason: code }]);
    }
  });

  it('passes other keyring errors on, audited as internal', async () => {
    const thrown = new GitsealError('E_IO', 'cannot write keys.yaml');
    const { route, audited } = setup({ allow: ['keys.rotate'], keyringFails: thrown });
    expect(await refusal(route(request(), { route: 'keys.rotate' }, 'r6'))).toBe(thrown);
    expect(audited).toEqual([{ subject: 'dev:admin', method: 'ed25519', operation: 'keys.rotate', requestId: 'r6', decision: 'deny', reason: 'internal' }]);
  });

  it('refuses a body over 64 KiB while a signed request is authenticated, before any audit', async () => {
    const { route, audited } = setup({ allow: ['keys.rotate'], signed: true });
    expect(await refusal(route(request(undefined, 'x'.repeat(64 * 1024 + 1)), { route: 'keys.rotate' }, 'r7'))).toMatchObject({ code: 'too_large', status: 413 });
    expect(audited).toEqual([]);
  });
});
