import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuerDouble } from '../../test/doubles/oidc-issuer.js';
import { AuthFailure, type AuthRequest } from './types.js';
import { parseAuthConfig } from './config.js';
import { authenticate, createAuthenticators } from './index.js';
import { ServiceAccountAuthenticator, serviceAccountSubject } from './service-account.js';

const CLUSTER = 'https://kubernetes.default.svc';

let k8s: OidcIssuerDouble;
let stranger: OidcIssuerDouble;
beforeAll(async () => {
  [k8s, stranger] = await Promise.all([startOidcIssuer({ issuer: CLUSTER }), startOidcIssuer()]);
});
afterAll(async () => {
  await Promise.all([k8s.close(), stranger.close()]);
});

function sa(ns = 'apps', name = 'web'): Record<string, unknown> {
  return { sub: `system:serviceaccount:${ns}:${name}`, 'kubernetes.io': { namespace: ns, serviceaccount: { name, uid: '3c1e' }, pod: { name: 'web-1', uid: '9f2a' } } };
}

function authenticator(over: { jwksUri?: string; audience?: string; cooldownMs?: number; issuer?: OidcIssuerDouble } = {}): ServiceAccountAuthenticator {
  const iss = over.issuer ?? k8s;
  const c = parseAuthConfig({ serviceAccounts: { issuer: iss.issuer, jwksUri: over.jwksUri ?? iss.jwksUri, ...(over.audience ? { audience: over.audience } : {}) } });
  return new ServiceAccountAuthenticator(c.serviceAccounts!, { jwksCooldownMs: over.cooldownMs ?? 0, timeoutMs: 2000 });
}

function bearer(token: string, now = Date.now()): AuthRequest {
  return { method: 'POST', path: '/v1/rewrap', headers: { authorization: `Bearer ${token}` }, bodySha256: () => Promise.reject(new Error("a bearer token is checked without the body")), now };
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'success';
  } catch (e) {
    if (e instanceof AuthFailure) return e.reason;
    throw e;
  }
}

describe('ServiceAccountAuthenticator (JWKS)', () => {
  it('accepts a valid projected token as system:serviceaccount:NS:NAME (RS256 and ES256)', async () => {
    const a = authenticator();
    await expect(a.authenticate(bearer(await k8s.sign(sa())))).resolves.toEqual({ subject: 'system:serviceaccount:apps:web', method: 'serviceaccount' });
    await expect(a.authenticate(bearer(await k8s.sign(sa('ci', 'deployer'), { alg: 'ES256' })))).resolves.toEqual({
      subject: 'system:serviceaccount:ci:deployer',
      method: 'serviceaccount',
    });
  });

  it('returns null for other credentials and other issuers', async () => {
    const a = authenticator();
    expect(await a.authenticate({ ...bearer('x'), headers: {} })).toBeNull();
    expect(await a.authenticate({ ...bearer('x'), headers: { authorization: 'Gitseal-Ed25519 keyId=a' } })).toBeNull();
    expect(await a.authenticate(bearer(await stranger.sign(sa())))).toBeNull();
    expect(await a.authenticate(bearer('not-a-jwt'))).toBeNull();
  });

  it('refuses an expired token', async () => {
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign(sa(), { expiresIn: -120 }))))).toBe('expired');
  });

  it('tolerates a little clock skew but not more', async () => {
    const token = await k8s.sign(sa(), { expiresIn: 60 });
    expect(await reasonOf(authenticator().authenticate(bearer(token, Date.now() + 80_000)))).toBe('success');
    expect(await reasonOf(authenticator().authenticate(bearer(token, Date.now() + 120_000)))).toBe('expired');
  });

  it('refuses a token for another audience', async () => {
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign(sa(), { audience: 'https://kubernetes.default.svc' }))))).toBe('audience');
    expect(await reasonOf(authenticator({ audience: 'gitseal-prod' }).authenticate(bearer(await k8s.sign(sa()))))).toBe('audience');
  });

  it('refuses a token from another issuer (routed away, then refused by authenticate)', async () => {
    const c = parseAuthConfig({ serviceAccounts: { issuer: CLUSTER, jwksUri: k8s.jwksUri } });
    const list = createAuthenticators(c, { jwksCooldownMs: 0 });
    expect(await reasonOf(authenticate(list, bearer(await stranger.sign(sa()))))).toBe('issuer');
    expect(await reasonOf(authenticate(list, bearer(await k8s.sign({ ...sa(), iss: `${CLUSTER}/` }))))).toBe('issuer');
  });

  it('refuses an unsigned token (alg: none)', async () => {
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign(sa(), { alg: 'none' }))))).toBe('unsigned');
  });

  it('refuses HMAC tokens (algorithm confusion)', async () => {
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign(sa(), { alg: 'HS256' }))))).toBe('algorithm');
  });

  it('refuses a token signed by a key the cluster does not publish', async () => {
    const forged = await stranger.sign({ ...sa(), iss: CLUSTER });
    expect(await reasonOf(authenticator().authenticate(bearer(forged)))).toBe('unknown_key');
  });

  it('refuses a token signed by another key under a published kid', async () => {
    const kid = JSON.parse(Buffer.from((await k8s.sign(sa())).split('.')[0]!, 'base64url').toString()).kid as string;
    const forged = await stranger.sign({ ...sa(), iss: CLUSTER }, { kid });
    expect(await reasonOf(authenticator().authenticate(bearer(forged)))).toBe('signature');
  });

  it('refuses a token whose payload was edited', async () => {
    const [h, , s] = (await k8s.sign(sa())).split('.');
    const p = Buffer.from(JSON.stringify({ ...sa('kube-system', 'admin'), iss: CLUSTER, aud: 'gitseal', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    expect(await reasonOf(authenticator().authenticate(bearer(`${h}.${p}.${s}`)))).toBe('signature');
  });

  it.each([
    ['a user', 'alice@example.com'],
    ['a node', 'system:node:worker-1'],
    ['an extra segment', 'system:serviceaccount:apps:web:x'],
    ['an invalid namespace', 'system:serviceaccount:Apps:web'],
    ['an empty name', 'system:serviceaccount:apps:'],
  ])('refuses a sub that is %s', async (_, sub) => {
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({ ...sa(), sub }))))).toBe('subject');
  });

  it('refuses a kubernetes.io claim that contradicts sub', async () => {
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({ ...sa('apps', 'web'), sub: 'system:serviceaccount:kube-system:web' }))))).toBe(
      'subject',
    );
  });

  it('refuses tokens not yet valid, issued in the future, or without exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({ ...sa(), nbf: now + 300 }))))).toBe('clock');
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({ ...sa(), iat: now + 300, nbf: now }))))).toBe('clock');
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({ ...sa(), exp: undefined }))))).toBe('malformed');
  });

  it('refuses a bearer value that cannot be a token', async () => {
    expect(await reasonOf(authenticator().authenticate({ ...bearer('x'), headers: { authorization: 'Bearer a b' } }))).toBe('malformed');
    expect(await reasonOf(authenticator().authenticate(bearer('x'.repeat(20_000))))).toBe('malformed');
  });

  it('answers unavailable when the JWKS cannot be fetched', async () => {
    expect(await reasonOf(authenticator({ jwksUri: `${k8s.url}/no-such-jwks` }).authenticate(bearer(await k8s.sign(sa()))))).toBe('unavailable');
  });

  it('caches the JWKS and fetches the new one when keys rotate', async () => {
    const cluster = await startOidcIssuer({ issuer: CLUSTER });
    try {
      const a = authenticator({ issuer: cluster });
      expect(await reasonOf(a.authenticate(bearer(await cluster.sign(sa()))))).toBe('success');
      expect(await reasonOf(a.authenticate(bearer(await cluster.sign(sa('ci', 'x')))))).toBe('success');
      expect(cluster.jwksFetches).toBe(1);
      const old = await cluster.sign(sa());
      cluster.rotateKey({ dropOld: true });
      expect(await reasonOf(a.authenticate(bearer(await cluster.sign(sa()))))).toBe('success');
      expect(cluster.jwksFetches).toBe(2);
      expect(await reasonOf(a.authenticate(bearer(old)))).toBe('unknown_key');
    } finally {
      await cluster.close();
    }
  });

  it('does not refetch the JWKS for every unknown kid within the cooldown', async () => {
    const cluster = await startOidcIssuer({ issuer: CLUSTER });
    try {
      const a = authenticator({ issuer: cluster, cooldownMs: 30_000 });
      expect(await reasonOf(a.authenticate(bearer(await cluster.sign(sa()))))).toBe('success');
      for (let i = 0; i < 3; i++) expect(await reasonOf(a.authenticate(bearer(await cluster.sign(sa(), { kid: `junk${i}` }))))).toBe('unknown_key');
      expect(cluster.jwksFetches).toBe(1);
    } finally {
      await cluster.close();
    }
  });
});

describe('serviceAccountSubject', () => {
  it('accepts only system:serviceaccount:NS:NAME with Kubernetes names', () => {
    expect(serviceAccountSubject('system:serviceaccount:a:b')).toBe('system:serviceaccount:a:b');
    expect(serviceAccountSubject('system:serviceaccount:my-ns:my.sa-1')).toBe('system:serviceaccount:my-ns:my.sa-1');
    expect(serviceAccountSubject(`system:serviceaccount:${'a'.repeat(64)}:b`)).toBeNull();
    expect(serviceAccountSubject('system:serviceaccount:-a:b')).toBeNull();
    expect(serviceAccountSubject(42)).toBeNull();
  });
});
