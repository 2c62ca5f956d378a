/**
 * What the service's authenticators read from callers and issuers: bearer
 * JWTs (kms/auth/oidc.ts with kms/auth/jwt.ts), JWKS and discovery
 * documents fetched from an issuer, and `Gitseal-Ed25519` signed-request
 * headers (kms/auth/request-signature.ts). Their contract is AuthFailure.
 * The issuer is a server on 127.0.0.1 whose answers the JWKS target sets.
 */
import fc from 'fast-check';
import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { b64url, utf8 } from '../../../core/bytes.js';
import { OidcAuthenticator } from '../../../kms/auth/oidc.js';
import { RequestSignatureAuthenticator, signRequest, generateSigningKey, loadSigningKey } from '../../../kms/auth/request-signature.js';
import { AuthFailure } from '../../../kms/auth/types.js';
import { fuzzInput, mutatedTree } from '../mutate.js';
import type { FuzzTarget } from '../target.js';

const authFailure = (e: unknown): boolean => e instanceof AuthFailure;
const NOW = 1_900_000_000_000;
const AUDIENCE = 'gitseal';

interface Issuer {
  url: string;
  answers: { discovery: string; jwks: string };
  close(): Promise<void>;
}

async function startIssuer(): Promise<Issuer> {
  const answers = { discovery: '', jwks: '' };
  const server = createServer((req, res) => {
    const body = req.url?.startsWith('/.well-known/openid-configuration') ? answers.discovery : answers.jwks;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, answers, close: () => new Promise((ok) => server.close(() => ok())) };
}

interface Key {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

function makeKeys(): Key[] {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  return [
    { kid: 'ec-1', alg: 'ES256', privateKey: ec.privateKey, jwk: ec.publicKey.export({ format: 'jwk' }) },
    { kid: 'rsa-1', alg: 'RS256', privateKey: rsa.privateKey, jwk: rsa.publicKey.export({ format: 'jwk' }) },
    { kid: 'ed-1', alg: 'EdDSA', privateKey: ed.privateKey, jwk: ed.publicKey.export({ format: 'jwk' }) },
  ].map((k) => ({ ...k, jwk: { ...k.jwk, kid: k.kid, alg: k.alg, use: 'sig' } }));
}

const jwksOf = (keys: readonly Key[]) => ({ keys: keys.map((k) => k.jwk) });

/** A compact JWS over the header and payload as given, signed with `key` whatever the header says. */
function signJwt(header: unknown, payload: unknown, key: Key): string {
  const input = `${b64url(utf8(JSON.stringify(header)))}.${b64url(utf8(JSON.stringify(payload)))}`;
  const hash = key.alg === 'EdDSA' ? null : 'sha256';
  const sig = sign(hash, Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

function claims(issuer: string): Record<string, unknown> {
  const now = NOW / 1000;
  return { iss: issuer, aud: AUDIENCE, sub: 'repo:myorg/payments', repository: 'myorg/payments', ref: 'refs/heads/main', repository_owner: 'myorg', iat: now - 10, nbf: now - 10, exp: now + 600 };
}

function authenticator(issuer: string, jwksUri: string | undefined): OidcAuthenticator {
  return new OidcAuthenticator(
    [{ issuer, audience: AUDIENCE, ...(jwksUri ? { jwksUri } : {}), subject: 'ci:{repository}:{ref}', require: new Map([['repository_owner', 'myorg']]), algorithms: ['RS256', 'ES256', 'EdDSA'] }],
    { timeoutMs: 2000, jwksCooldownMs: 0 },
  );
}

/** A request as the service hands it to authenticators (with the body and, newer, its SHA-256 on demand). */
const request = (authorization: string, body: Uint8Array = new Uint8Array(0)) => ({
  method: 'POST',
  path: '/v1/rewrap',
  headers: { authorization },
  body,
  bodySha256: async () => new Uint8Array(createHash('sha256').update(body).digest()),
  now: NOW,
});

export async function jwtTarget(): Promise<FuzzTarget> {
  const issuer = await startIssuer();
  const keys = makeKeys();
  issuer.answers.jwks = JSON.stringify(jwksOf(keys));
  const auth = authenticator(issuer.url, `${issuer.url}/jwks`);
  const payload = claims(issuer.url);
  const headers = keys.map((k) => ({ alg: k.alg, kid: k.kid, typ: 'JWT' }));
  const tokens = keys.map((k, i) => signJwt(headers[i], payload, k));
  const seeds = [...tokens.map((t) => `Bearer ${t}`), `bearer  ${tokens[0]!.split('.').slice(0, 2).join('.')}.`, `Bearer ${b64url(utf8('{"alg":"none"}'))}.${tokens[0]!.split('.')[1]}.`];
  // Tokens whose header and claims were changed, then signed properly: these reach the claim checks.
  const resigned = fc
    .tuple(mutatedTree(headers, 'json'), mutatedTree([payload], 'json'), fc.nat(keys.length - 1))
    .map(([h, p, i]) => `Bearer ${signJwt(JSON.parse(h), JSON.parse(p), keys[i]!)}`);
  return {
    name: 'jwt',
    arbitrary: fc.oneof({ arbitrary: fuzzInput(seeds), weight: 2 }, { arbitrary: resigned, weight: 1 }),
    parse: (authorization) => auth.authenticate(request(authorization)),
    typed: authFailure,
    close: () => issuer.close(),
  };
}

/** Input: the discovery document (undefined: the JWKS URL is configured) and the JWKS document. */
export async function jwksTarget(): Promise<FuzzTarget<[string | undefined, string]>> {
  const issuer = await startIssuer();
  const keys = makeKeys();
  const token = `Bearer ${signJwt({ alg: 'ES256', kid: 'ec-1' }, claims(issuer.url), keys[0]!)}`;
  const jwks = [jwksOf(keys), jwksOf(keys.slice(0, 1)), { keys: [{ ...keys[0]!.jwk, kid: undefined }] }];
  const discovery = [{ issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` }];
  const document = (values: unknown[]) => fuzzInput(values.map((v) => JSON.stringify(v)), { values, format: 'json' });
  return {
    name: 'jwks',
    arbitrary: fc.tuple(fc.option(document(discovery), { nil: undefined, freq: 3 }), document(jwks)),
    parse: async ([disc, body]) => {
      issuer.answers.discovery = disc ?? '';
      issuer.answers.jwks = body;
      // A new authenticator per case: each fetches the documents afresh.
      await authenticator(issuer.url, disc === undefined ? `${issuer.url}/jwks` : undefined).authenticate(request(token));
    },
    typed: authFailure,
    close: () => issuer.close(),
  };
}

export async function signedRequestTarget(): Promise<FuzzTarget> {
  const generated = generateSigningKey();
  const alice = loadSigningKey(generated.privatePem);
  const raw = new Uint8Array(Buffer.from(alice.publicKey.slice('ed25519:'.length), 'base64url'));
  const auth = new RequestSignatureAuthenticator({ keys: new Map([['alice', raw]]), maxSkew: 300, replayCacheSize: 1000 });
  const body = utf8('{"items":[]}');
  const seeds = [
    signRequest({ method: 'POST', path: '/v1/rewrap', body, keyId: 'alice', privateKey: createPrivateKey(generated.privatePem), now: NOW }),
    signRequest({ method: 'POST', path: '/v1/rewrap', body, keyId: 'bob', privateKey: alice.keyObject, now: NOW - 10_000, nonce: 'A'.repeat(40) }),
  ];
  return {
    name: 'signed-request',
    arbitrary: fuzzInput(seeds),
    parse: (authorization) => auth.authenticate(request(authorization, body)),
    typed: authFailure,
  };
}
