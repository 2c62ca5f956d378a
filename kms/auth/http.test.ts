import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuerDouble } from '../../test/doubles/oidc-issuer.js';
import { LOCAL_HOSTS, makeDevCa } from '../service/dev-pki.js';
import { AuthFailure } from './types.js';
import { parseAuthConfig } from './config.js';
import { send } from './http.js';
import { ServiceAccountAuthenticator } from './service-account.js';

const CLUSTER = 'https://kubernetes.default.svc';

/** Stands in for the API server's /openid/v1/jwks over TLS with a private CA; passes the JWKS of `k8s` through. */
let k8s: OidcIssuerDouble;
let server: Server;
let url: string;
let ca: string;
let dir: string;
const seenAuthorization: Array<string | undefined> = [];

beforeAll(async () => {
  k8s = await startOidcIssuer({ issuer: CLUSTER });
  const pki = await makeDevCa();
  ca = pki.ca.cert;
  const tls = await pki.issue('127.0.0.1', 'server', LOCAL_HOSTS);
  server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    seenAuthorization.push(req.headers.authorization);
    if (req.url === '/big') return void res.end('x'.repeat(2 << 20));
    void fetch(k8s.jwksUri)
      .then((r) => r.text())
      .then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'gitseal-http-'));
  writeFileSync(join(dir, 'ca.crt'), ca);
  writeFileSync(join(dir, 'token'), 'service-token\n');
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await k8s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('send', () => {
  it('trusts the given CA, and only with it', async () => {
    const answer = await send(new URL(`${url}/openid/v1/jwks`), { method: 'GET', headers: {} }, { ca, timeoutMs: 2000 });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString()).keys.length).toBeGreaterThan(0);
    await expect(send(new URL(`${url}/openid/v1/jwks`), { method: 'GET', headers: {} }, { timeoutMs: 2000 })).rejects.toThrow(/cannot reach/);
  });

  it('refuses oversized answers', async () => {
    await expect(send(new URL(`${url}/big`), { method: 'GET', headers: {} }, { ca, timeoutMs: 2000 })).rejects.toThrow(/larger than/);
  });
});

describe('ServiceAccountAuthenticator over TLS', () => {
  it('fetches the cluster JWKS with the CA file and its own token, and verifies', async () => {
    const c = parseAuthConfig({ serviceAccounts: { issuer: CLUSTER, jwksUri: `${url}/openid/v1/jwks`, caFile: join(dir, 'ca.crt'), tokenFile: join(dir, 'token') } });
    const a = new ServiceAccountAuthenticator(c.serviceAccounts!, { timeoutMs: 2000 });
    const token = await k8s.sign({ sub: 'system:serviceaccount:apps:web' });
    seenAuthorization.length = 0;
    await expect(a.authenticate({ method: 'POST', path: '/', headers: { authorization: `Bearer ${token}` }, bodySha256: () => Promise.reject(new Error("a bearer token is checked without the body")), now: Date.now() })).resolves.toEqual({
      subject: 'system:serviceaccount:apps:web',
      method: 'serviceaccount',
    });
    expect(seenAuthorization).toEqual(['Bearer service-token']);
  });

  it('answers unavailable when the server certificate is not from the configured CA', async () => {
    const other = (await makeDevCa('another CA')).ca.cert;
    writeFileSync(join(dir, 'other.crt'), other);
    const c = parseAuthConfig({ serviceAccounts: { issuer: CLUSTER, jwksUri: `${url}/openid/v1/jwks`, caFile: join(dir, 'other.crt') } });
    const a = new ServiceAccountAuthenticator(c.serviceAccounts!, { timeoutMs: 2000 });
    const token = await k8s.sign({ sub: 'system:serviceaccount:apps:web' });
    const e = await a.authenticate({ method: 'POST', path: '/', headers: { authorization: `Bearer ${token}` }, bodySha256: () => Promise.reject(new Error("a bearer token is checked without the body")), now: Date.now() }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthFailure);
    expect((e as AuthFailure).reason).toBe('unavailable');
  });

  it('refuses to start with an unreadable CA file (E_CONFIG)', () => {
    const c = parseAuthConfig({ serviceAccounts: { issuer: CLUSTER, jwksUri: `${url}/openid/v1/jwks`, caFile: join(dir, 'missing.crt') } });
    expect(() => new ServiceAccountAuthenticator(c.serviceAccounts!)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});
