import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuerDouble } from '../../test/doubles/oidc-issuer.js';
import { startTokenReviewDouble, type ReviewVerdict, type TokenReviewDouble } from '../../test/doubles/token-review.js';
import { AuthFailure, type AuthRequest } from './types.js';
import { parseAuthConfig } from './config.js';
import { ServiceAccountAuthenticator } from './service-account.js';

const CLUSTER = 'https://kubernetes.default.svc';
const OWN_TOKEN = 'the-service-own-token';

let k8s: OidcIssuerDouble;
let api: TokenReviewDouble;
let dir: string;
let tokenFile: string;
/** What the API server says about the next review; tests set it. */
let verdict: (token: string, audiences: string[]) => ReviewVerdict;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitseal-tokenreview-'));
  tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${OWN_TOKEN}\n`);
  k8s = await startOidcIssuer({ issuer: CLUSTER });
  api = await startTokenReviewDouble((t, a) => verdict(t, a), { requireBearer: OWN_TOKEN });
});
afterAll(async () => {
  await Promise.all([k8s.close(), api.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function authenticator(over: { tokenFile?: string; server?: string } = {}): ServiceAccountAuthenticator {
  const c = parseAuthConfig({ serviceAccounts: { issuer: CLUSTER, tokenReview: { server: over.server ?? api.url, tokenFile: over.tokenFile ?? tokenFile } } });
  return new ServiceAccountAuthenticator(c.serviceAccounts!, { timeoutMs: 2000 });
}

function bearer(token: string): AuthRequest {
  return { method: 'POST', path: '/v1/rewrap', headers: { authorization: `Bearer ${token}` }, bodySha256: () => Promise.reject(new Error("a bearer token is checked without the body")), now: Date.now() };
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

const ok = (username = 'system:serviceaccount:apps:web') => (_: string, audiences: string[]): ReviewVerdict => ({
  authenticated: true,
  user: { username, uid: '3c1e', groups: ['system:serviceaccounts', 'system:serviceaccounts:apps', 'system:authenticated'] },
  audiences,
});

describe('ServiceAccountAuthenticator (TokenReview)', () => {
  it('asks the API server with its own token and our audience, and takes the reviewed username', async () => {
    verdict = ok();
    const token = await k8s.sign({ sub: 'system:serviceaccount:apps:web' });
    const before = api.requests.length;
    await expect(authenticator().authenticate(bearer(token))).resolves.toEqual({ subject: 'system:serviceaccount:apps:web', method: 'serviceaccount' });
    expect(api.requests.slice(before)).toEqual([{ authorization: `Bearer ${OWN_TOKEN}`, token, audiences: ['gitseal'] }]);
  });

  it('returns null, without asking, for tokens of another issuer', async () => {
    verdict = ok();
    const before = api.requests.length;
    expect(await authenticator().authenticate(bearer(await k8s.sign({ iss: 'https://elsewhere' })))).toBeNull();
    expect(api.requests.length).toBe(before);
  });

  it('without an issuer configured (quick start): any issuer goes to the API server, except those of configured OIDC issuers', async () => {
    verdict = ok();
    const c = parseAuthConfig({
      serviceAccounts: { tokenReview: { server: api.url, tokenFile } },
      oidc: [{ issuer: 'https://ci.example', audience: 'gitseal', subject: 'ci:{sub}' }],
    });
    expect(c.serviceAccounts!.issuer).toBeUndefined();
    const a = new ServiceAccountAuthenticator(c.serviceAccounts!, { timeoutMs: 2000 }, new Set(c.oidc.map((o) => o.issuer)));
    const eks = await k8s.sign({ iss: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', sub: 'system:serviceaccount:apps:web' });
    await expect(a.authenticate(bearer(eks))).resolves.toEqual({ subject: 'system:serviceaccount:apps:web', method: 'serviceaccount' });
    const before = api.requests.length;
    expect(await a.authenticate(bearer(await k8s.sign({ iss: 'https://ci.example' })))).toBeNull();
    expect(api.requests.length).toBe(before);
    verdict = () => ({ authenticated: false, error: 'invalid bearer token' });
    expect(await reasonOf(a.authenticate(bearer(await k8s.sign({ iss: 'https://forged.example' }))))).toBe('rejected');
  });

  it('a JWKS check still needs the issuer', () => {
    expect(() => parseAuthConfig({ serviceAccounts: { jwksUri: 'https://k8s.example/openid/v1/jwks' } })).toThrow(/issuer/);
  });

  it('refuses what the API server does not authenticate', async () => {
    verdict = () => ({ authenticated: false, error: '[invalid bearer token, token has been invalidated]' });
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({}))))).toBe('rejected');
  });

  it('refuses a review whose audiences lack ours', async () => {
    verdict = (t, a) => ({ ...ok()(t, a), audiences: ['https://kubernetes.default.svc'] });
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({}))))).toBe('audience');
    verdict = (t, a) => {
      const { audiences: _, ...rest } = ok()(t, a);
      return rest;
    };
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({}))))).toBe('audience');
  });

  it.each(['alice@example.com', 'system:node:worker-1', 'system:serviceaccount:apps'])('refuses a reviewed user %s that is not a service account', async (username) => {
    verdict = ok(username);
    expect(await reasonOf(authenticator().authenticate(bearer(await k8s.sign({}))))).toBe('subject');
  });

  it('answers unavailable when the API server refuses the reviewer', async () => {
    verdict = ok();
    const wrong = join(dir, 'wrong-token');
    writeFileSync(wrong, 'not-the-service-token');
    const e = await authenticator({ tokenFile: wrong }).authenticate(bearer(await k8s.sign({}))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthFailure);
    expect((e as AuthFailure).reason).toBe('unavailable');
    expect((e as AuthFailure).message).toContain('system:auth-delegator');
  });

  it('answers unavailable without its own token or without an API server', async () => {
    verdict = ok();
    expect(await reasonOf(authenticator({ tokenFile: join(dir, 'missing') }).authenticate(bearer(await k8s.sign({}))))).toBe('unavailable');
    expect(await reasonOf(authenticator({ server: k8s.url }).authenticate(bearer(await k8s.sign({}))))).toBe('unavailable');
  });

  it('re-reads its own token, which the kubelet rotates', async () => {
    verdict = ok();
    const rotating = join(dir, 'rotating');
    writeFileSync(rotating, OWN_TOKEN);
    const a = authenticator({ tokenFile: rotating });
    expect(await reasonOf(a.authenticate(bearer(await k8s.sign({}))))).toBe('success');
    writeFileSync(rotating, 'rotated-token');
    const before = api.requests.length;
    expect(await reasonOf(a.authenticate(bearer(await k8s.sign({}))))).toBe('unavailable'); // the double only knows OWN_TOKEN
    expect(api.requests.length).toBe(before);
  });
});
