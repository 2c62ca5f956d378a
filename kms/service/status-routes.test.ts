import { describe, expect, it } from 'vitest';
import { Registry } from '../../runtime/metrics.js';
import type { PublicOrgKey } from '../protocol/types.js';
import type { RootState } from './keyring.js';
import { statusRoutes, type StatusRouteDeps } from './status-routes.js';

const KEY: PublicOrgKey = { kid: 'k1', alg: 'mlkem1024-x25519', recipient: 'gitseal1…', state: 'active', created: '2025-01-01T00:00:00.000Z' };

function routes(opts: { state?: RootState; lastError?: string | null; closing?: boolean; notReady?: () => string | null } = {}) {
  const registry = new Registry();
  const deps: StatusRouteDeps = {
    keyring: { state: opts.state ?? 'ready', lastError: opts.lastError ?? null, keys: () => [KEY] },
    registry,
    isClosing: () => opts.closing ?? false,
    ...(opts.notReady ? { notReady: opts.notReady } : {}),
  };
  return { ...statusRoutes(deps), registry };
}

describe('status routes', () => {
  it('healthz is always ok; /v1/keys lists the public keys; /metrics answers the registry', () => {
    const r = routes({ state: 'root_revoked', closing: true });
    expect(r.healthz()).toEqual({ status: 200, body: { ok: true } });
    expect(r.keys()).toEqual({ status: 200, body: { keys: [KEY] } });
    expect(r.metrics()).toEqual({ status: 200, metrics: r.registry });
  });

  it('/v1/keys publishes the service writer key when it has one', () => {
    const writer = { kid: 'w-0123456789abcdef', key: 'gitseal-writer1:mldsa65-ed25519:AAAA' };
    const r = statusRoutes({ keyring: { state: 'ready', lastError: null, keys: () => [KEY] }, registry: new Registry(), isClosing: () => false, writerKey: writer });
    expect(r.keys()).toEqual({ status: 200, body: { keys: [KEY], writer } });
  });

  it('/v1/recipient answers the active key only, whatever the root state, and 503 when there is none', () => {
    const retired: PublicOrgKey = { ...KEY, kid: 'k0', recipient: 'gitseal1:old', state: 'retired' };
    const r = statusRoutes({ keyring: { state: 'root_revoked', lastError: null, keys: () => [retired, KEY] }, registry: new Registry(), isClosing: () => false });
    expect(r.recipient()).toEqual({ status: 200, body: { kid: 'k1', alg: 'mlkem1024-x25519', recipient: KEY.recipient } });
    const none = statusRoutes({ keyring: { state: 'ready', lastError: null, keys: () => [retired] }, registry: new Registry(), isClosing: () => false });
    expect(() => none.recipient()).toThrow(expect.objectContaining({ code: 'unavailable', status: 503 }));
  });

  it('readyz is ok only when the keys are in memory, nothing else objects and the server is not closing', () => {
    expect(routes().readyz()).toEqual({ status: 200, body: { ok: true } });
    expect(routes({ notReady: () => null }).readyz()).toEqual({ status: 200, body: { ok: true } });
    expect(routes({ state: 'root_revoked', lastError: 'the key is disabled' }).readyz()).toEqual({ status: 503, body: { ok: false, reason: 'root_revoked: the key is disabled' } });
    expect(routes({ state: 'starting' }).readyz()).toEqual({ status: 503, body: { ok: false, reason: 'starting:' } });
    expect(routes({ notReady: () => 'the policy file is not loaded' }).readyz()).toEqual({ status: 503, body: { ok: false, reason: 'the policy file is not loaded' } });
    expect(routes({ state: 'starting', closing: true }).readyz()).toEqual({ status: 503, body: { ok: false, reason: 'shutting down' } });
  });
});
