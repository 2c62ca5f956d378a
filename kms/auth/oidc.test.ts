import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuerDouble } from '../../test/doubles/oidc-issuer.js';
import { AuthFailure, type AuthRequest } from './types.js';
import { parseAuthConfig } from './config.js';
import { OidcAuthenticator, renderSubject } from './oidc.js';

let gh: OidcIssuerDouble;
let gitlab: OidcIssuerDouble;
let liar: OidcIssuerDouble;
beforeAll(async () => {
  [gh, gitlab] = await Promise.all([startOidcIssuer(), startOidcIssuer()]);
  liar = await startOidcIssuer({ issuer: 'https://token.actions.githubusercontent.com' });
});
afterAll(async () => {
  await Promise.all([gh.close(), gitlab.close(), liar.close()]);
});

const CI = { repository: 'myorg/app', ref: 'refs/heads/main', repository_owner: 'myorg', sub: 'repo:myorg/app:ref:refs/heads/main' };

function authenticator(extra: Record<string, unknown> = {}): OidcAuthenticator {
  const c = parseAuthConfig({
    oidc: [
      { issuer: gh.issuer, subject: 'ci:{repository}:{ref}', require: { repository_owner: 'myorg' }, ...extra },
      { issuer: gitlab.issuer, audience: 'https://gitseal.example', jwksUri: gitlab.jwksUri, subject: 'gl:{project_path}', algorithms: ['ES256'] },
      { issuer: liar.url, subject: 'liar:{sub}' },
    ],
  });
  return new OidcAuthenticator(c.oidc, { jwksCooldownMs: 0, timeoutMs: 2000 });
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

describe('OidcAuthenticator', () => {
  it('verifies via discovery and makes the subject from the template', async () => {
    const before = gh.jwksFetches;
    await expect(authenticator().authenticate(bearer(await gh.sign(CI)))).resolves.toEqual({ subject: 'ci:myorg/app:refs/heads/main', method: 'oidc' });
    expect(gh.jwksFetches).toBe(before + 1);
  });

  it('chooses the issuer by iss: each with its own audience, keys, algorithms and template', async () => {
    const a = authenticator();
    const token = await gitlab.sign({ project_path: 'group/proj' }, { audience: 'https://gitseal.example', alg: 'ES256' });
    await expect(a.authenticate(bearer(token))).resolves.toEqual({ subject: 'gl:group/proj', method: 'oidc' });
    expect(await reasonOf(a.authenticate(bearer(await gitlab.sign({ project_path: 'group/proj' }, { audience: 'https://gitseal.example' }))))).toBe('algorithm');
    expect(await reasonOf(a.authenticate(bearer(await gitlab.sign({ project_path: 'group/proj' }, { alg: 'ES256' }))))).toBe('audience');
  });

  it('returns null for unconfigured issuers and non-bearer requests', async () => {
    const a = authenticator();
    expect(await a.authenticate(bearer(await gh.sign({ ...CI, iss: 'https://other.example' })))).toBeNull();
    expect(await a.authenticate({ ...bearer('x'), headers: {} })).toBeNull();
  });

  it('refuses a token whose required claim differs or is missing', async () => {
    expect(await reasonOf(authenticator().authenticate(bearer(await gh.sign({ ...CI, repository_owner: 'evilorg' }))))).toBe('claim');
    expect(await reasonOf(authenticator().authenticate(bearer(await gh.sign({ ...CI, repository_owner: undefined }))))).toBe('claim');
    expect(await reasonOf(authenticator().authenticate(bearer(await gh.sign({ ...CI, repository_owner: ['myorg'] }))))).toBe('claim');
  });

  it('refuses a token missing a claim the template needs, or with an unusable one', async () => {
    expect(await reasonOf(authenticator().authenticate(bearer(await gh.sign({ ...CI, ref: undefined }))))).toBe('subject');
    expect(await reasonOf(authenticator().authenticate(bearer(await gh.sign({ ...CI, ref: { x: 1 } }))))).toBe('subject');
    expect(await reasonOf(authenticator().authenticate(bearer(await gh.sign({ ...CI, ref: '' }))))).toBe('subject');
    expect(await reasonOf(authenticator().authenticate(bearer(await gh.sign({ ...CI, ref: 'main\nci:other' }))))).toBe('subject');
  });

  it('refuses expired, unsigned and foreign-key tokens', async () => {
    const a = authenticator();
    expect(await reasonOf(a.authenticate(bearer(await gh.sign(CI, { expiresIn: -120 }))))).toBe('expired');
    expect(await reasonOf(a.authenticate(bearer(await gh.sign(CI, { alg: 'none' }))))).toBe('unsigned');
    expect(await reasonOf(a.authenticate(bearer(await gitlab.sign({ ...CI, iss: gh.issuer }))))).toBe('unknown_key');
  });

  it('refuses to trust an issuer whose discovery document names another issuer', async () => {
    // liar listens at liar.url but its document claims to be GitHub's issuer.
    expect(await reasonOf(authenticator().authenticate(bearer(await liar.sign({ iss: liar.url, sub: 'x' }))))).toBe('unavailable');
  });

  it('picks up rotated keys', async () => {
    const a = authenticator();
    expect(await reasonOf(a.authenticate(bearer(await gh.sign(CI))))).toBe('success');
    gh.rotateKey();
    expect(await reasonOf(a.authenticate(bearer(await gh.sign(CI))))).toBe('success');
  });
});

describe('renderSubject', () => {
  it('fills every placeholder from the claims, strings and integers', () => {
    expect(renderSubject('ci:{repository}:{ref}', { repository: 'o/r', ref: 'refs/tags/v1' })).toBe('ci:o/r:refs/tags/v1');
    expect(renderSubject('gl:{project_id}', { project_id: 42 })).toBe('gl:42');
    expect(renderSubject('k:{kubernetes.io}', { 'kubernetes.io': 'x' })).toBe('k:x');
  });

  it('throws AuthFailure subject for a missing or non-scalar claim', () => {
    expect(() => renderSubject('ci:{repository}', {})).toThrow(AuthFailure);
    expect(() => renderSubject('ci:{n}', { n: 1.5 })).toThrow(AuthFailure);
    expect(() => renderSubject('ci:{n}', { n: true })).toThrow(AuthFailure);
  });
});
