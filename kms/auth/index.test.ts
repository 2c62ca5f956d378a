import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../core/bytes.js';
import { startOidcIssuer, type OidcIssuerDouble } from '../../test/doubles/oidc-issuer.js';
import { startTokenReviewDouble, type TokenReviewDouble } from '../../test/doubles/token-review.js';
import { AuthFailure, type AuthRequest, type Authenticator } from './types.js';
import { authenticate, createAuthenticators, generateSigningKey, loadSigningKey, parseAuthConfig, signRequest } from './index.js';

const CLUSTER = 'https://kubernetes.default.svc';
/** Planted in tokens and claims; must never come back in a message. */
const CANARY = 'CANARY-5f1d0c77-token-text-must-not-leak';

let k8s: OidcIssuerDouble;
let gh: OidcIssuerDouble;
let api: TokenReviewDouble;
let dir: string;
const dev = generateSigningKey();
const devKey = loadSigningKey(dev.privatePem).keyObject;

beforeAll(async () => {
  [k8s, gh] = await Promise.all([startOidcIssuer({ issuer: CLUSTER }), startOidcIssuer()]);
  api = await startTokenReviewDouble(() => ({ authenticated: false, error: `token ${CANARY} is invalid` }));
  dir = mkdtempSync(join(tmpdir(), 'gitseal-auth-'));
  writeFileSync(join(dir, 'token'), 'own');
});
afterAll(async () => {
  await Promise.all([k8s.close(), gh.close(), api.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function all(): Authenticator[] {
  const config = parseAuthConfig({
    serviceAccounts: { issuer: CLUSTER, jwksUri: k8s.jwksUri },
    oidc: [{ issuer: gh.issuer, subject: 'ci:{repository}', require: { repository_owner: 'myorg' } }],
    ed25519: { keys: { alice: dev.publicKey } },
    mtls: true,
  });
  return createAuthenticators(config, { jwksCooldownMs: 0, timeoutMs: 2000 });
}

function req(over: { authorization?: string | string[]; cn?: string; body?: Uint8Array } = {}): AuthRequest {
  return {
    method: 'POST',
    path: '/v1/rewrap',
    headers: over.authorization === undefined ? {} : { authorization: over.authorization },
    bodySha256: async () => createHash('sha256').update(over.body ?? utf8('{}')).digest(),
    now: Date.now(),
    ...(over.cn !== undefined ? { peerCommonName: over.cn } : {}),
  };
}

async function failureOf(p: Promise<unknown>): Promise<AuthFailure | 'success'> {
  try {
    await p;
    return 'success';
  } catch (e) {
    if (e instanceof AuthFailure) return e;
    throw e;
  }
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  const f = await failureOf(p);
  return f === 'success' ? f : f.reason;
}

const SA = { sub: 'system:serviceaccount:apps:web' };
const CI = { repository: 'myorg/app', repository_owner: 'myorg' };

describe('createAuthenticators', () => {
  it('builds one authenticator per configured method, signed requests first and mTLS last', () => {
    expect(all().map((a) => a.method)).toEqual(['ed25519', 'serviceaccount', 'oidc', 'mtls']);
    expect(createAuthenticators(parseAuthConfig({}))).toEqual([]);
  });
});

describe('authenticate', () => {
  it('routes bearer JWTs by issuer: the cluster to service accounts, others to OIDC', async () => {
    const list = all();
    await expect(authenticate(list, req({ authorization: `Bearer ${await k8s.sign(SA)}` }))).resolves.toEqual({ subject: 'system:serviceaccount:apps:web', method: 'serviceaccount' });
    await expect(authenticate(list, req({ authorization: `Bearer ${await gh.sign(CI)}` }))).resolves.toEqual({ subject: 'ci:myorg/app', method: 'oidc' });
  });

  it('accepts signed requests and client certificates', async () => {
    const body = utf8('{"a":1}');
    const authorization = signRequest({ method: 'POST', path: '/v1/rewrap', body, keyId: 'alice', privateKey: devKey, now: Date.now() });
    await expect(authenticate(all(), req({ authorization, body }))).resolves.toEqual({ subject: 'dev:alice', method: 'ed25519' });
    await expect(authenticate(all(), req({ cn: 'deploy-bot' }))).resolves.toEqual({ subject: 'cert:deploy-bot', method: 'mtls' });
  });

  it('lets an explicit credential win over the client certificate', async () => {
    await expect(authenticate(all(), req({ authorization: `Bearer ${await k8s.sign(SA)}`, cn: 'deploy-bot' }))).resolves.toMatchObject({ method: 'serviceaccount' });
  });

  it('propagates the first failure instead of trying further methods', async () => {
    expect(await reasonOf(authenticate(all(), req({ authorization: `Bearer ${await k8s.sign(SA, { expiresIn: -300 })}`, cn: 'deploy-bot' })))).toBe('expired');
  });

  it('refuses a request without credentials as missing', async () => {
    expect(await reasonOf(authenticate(all(), req()))).toBe('missing');
    expect(await reasonOf(authenticate([], req({ cn: 'deploy-bot' })))).toBe('missing');
  });

  it('refuses unknown issuers, non-JWT bearers and other schemes distinctly', async () => {
    expect(await reasonOf(authenticate(all(), req({ authorization: `Bearer ${await gh.sign({ ...CI, iss: 'https://evil.example' })}` })))).toBe('issuer');
    expect(await reasonOf(authenticate(all(), req({ authorization: 'Bearer opaque-token' })))).toBe('malformed');
    expect(await reasonOf(authenticate(all(), req({ authorization: 'Basic YWxpY2U6cHc=' })))).toBe('unsupported');
    expect(await reasonOf(authenticate(all(), req({ authorization: ['Bearer a', 'Bearer b'] })))).toBe('malformed');
    const signed = signRequest({ method: 'POST', path: '/v1/rewrap', body: utf8('{}'), keyId: 'alice', privateKey: devKey, now: Date.now() });
    expect(await reasonOf(authenticate(createAuthenticators(parseAuthConfig({ mtls: true })), req({ authorization: signed })))).toBe('unsupported');
  });

  it('refuses an empty or control-character client certificate name', async () => {
    expect(await reasonOf(authenticate(all(), req({ cn: '' })))).toBe('malformed');
    expect(await reasonOf(authenticate(all(), req({ cn: 'bot\nadmin' })))).toBe('malformed');
  });

  it('never puts token text, signatures or planted claim values in a failure message', async () => {
    const tokenReview = createAuthenticators(
      parseAuthConfig({ serviceAccounts: { issuer: CLUSTER, tokenReview: { server: api.url, tokenFile: join(dir, 'token') } } }),
      { timeoutMs: 2000 },
    );
    const planted = { jti: CANARY, canary: CANARY };
    const goodSig = signRequest({ method: 'POST', path: '/v1/rewrap', body: utf8('{}'), keyId: 'alice', privateKey: devKey, now: Date.now() });
    const bad: Array<[Authenticator[], string]> = [
      [all(), `Bearer ${await k8s.sign({ ...SA, ...planted }, { expiresIn: -300 })}`],
      [all(), `Bearer ${await k8s.sign({ ...SA, ...planted }, { audience: CANARY })}`],
      [all(), `Bearer ${await k8s.sign({ ...SA, ...planted }, { alg: 'none' })}`],
      [all(), `Bearer ${await k8s.sign({ ...SA, ...planted }, { alg: 'HS256' })}`],
      [all(), `Bearer ${await k8s.sign({ ...planted, sub: CANARY })}`],
      [all(), `Bearer ${await k8s.sign({ ...SA, ...planted }, { kid: CANARY })}`],
      [all(), `Bearer ${await gh.sign({ ...CI, ...planted, repository_owner: CANARY })}`],
      [all(), `Bearer ${await gh.sign({ ...planted, repository_owner: 'myorg', repository: `${CANARY}\n` })}`],
      [all(), `Bearer ${await gh.sign({ ...CI, ...planted, iss: `https://${CANARY}.example` })}`],
      [all(), `Bearer ${CANARY}`],
      [all(), `Bearer ${CANARY} x`],
      [all(), `Basic ${CANARY}`],
      [all(), goodSig.replace('keyId=alice', `keyId=${CANARY}`)],
      [all(), goodSig.replace(/nonce=[^,]+/, `nonce=${CANARY}`)],
      [all(), goodSig.replace(/sig=.{10}/, 'sig=AAAAAAAAAA')],
      [tokenReview, `Bearer ${await k8s.sign({ ...SA, ...planted })}`],
    ];
    for (const [list, authorization] of bad) {
      const f = await failureOf(authenticate(list, req({ authorization, body: utf8('{"x":1}') })));
      expect(f).toBeInstanceOf(AuthFailure);
      const message = (f as AuthFailure).message;
      expect(message).not.toContain(CANARY);
      const credential = authorization.slice(authorization.indexOf(' ') + 1);
      for (const piece of credential.split(/[.,=\s]/).filter((p) => p.length >= 12)) expect(message).not.toContain(piece);
    }
  });
});
