/**
 * A real OIDC issuer on 127.0.0.1 for tests: serves the discovery
 * document and its JWKS over HTTP and signs tokens with jose. Also serves
 * as the cluster's service-account issuer (pass `issuer`, sign
 * `sub: system:serviceaccount:NS:NAME` and a `kubernetes.io` claim).
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type JWK } from 'jose';

export type TestAlg = 'RS256' | 'ES256' | 'HS256' | 'none';

export interface SignOptions {
  /** Seconds from now until exp; negative for a token that has already expired. Default 600. */
  expiresIn?: number;
  /** Default 'gitseal'. */
  audience?: string | string[];
  /** Overrides the kid header (to name a key the JWKS does not have). */
  kid?: string;
  /** Default RS256. HS256 signs with a random secret; 'none' makes an unsigned token. */
  alg?: TestAlg;
}

export interface OidcIssuerDouble {
  /** What tokens carry as `iss` and the discovery document names. */
  issuer: string;
  /** Where the server listens, e.g. http://127.0.0.1:41234. */
  url: string;
  jwksUri: string;
  /** Signs `claims` over defaults (iss, aud, iat, exp); `claims` win, so `iss` can be forged. */
  sign(claims: Record<string, unknown>, opts?: SignOptions): Promise<string>;
  /** New signing keys with new kids; the old public keys stay published unless `dropOld`. */
  rotateKey(opts?: { dropOld?: boolean }): void;
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  jwk: JWK;
}

function newKey(alg: 'RS256' | 'ES256'): SigningKey {
  const { privateKey, publicKey } = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomBytes(8).toString('hex');
  return { kid, alg, privateKey, jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' } };
}

export async function startOidcIssuer(opts: { issuer?: string } = {}): Promise<OidcIssuerDouble> {
  let current = { RS256: newKey('RS256'), ES256: newKey('ES256') };
  let published: SigningKey[] = [current.RS256, current.ES256];
  let jwksFetches = 0;
  let issuer = opts.issuer ?? '';
  let jwksUri = '';

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    if (req.url === '/.well-known/openid-configuration') {
      return send(200, { issuer, jwks_uri: jwksUri, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256', 'ES256'] });
    }
    if (req.url === '/.well-known/jwks') {
      jwksFetches++;
      return send(200, { keys: published.map((k) => k.jwk) });
    }
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer ||= url;
  jwksUri = `${url}/.well-known/jwks`;

  return {
    issuer,
    url,
    jwksUri,
    get jwksFetches() {
      return jwksFetches;
    },
    async sign(claims, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = { iss: issuer, aud: o.audience ?? 'gitseal', iat: now, nbf: now, exp: now + (o.expiresIn ?? 600), ...claims };
      const alg = o.alg ?? 'RS256';
      if (alg === 'none') {
        const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.`;
      }
      if (alg === 'HS256') {
        return new SignJWT(payload).setProtectedHeader({ alg, kid: o.kid ?? current.RS256.kid }).sign(randomBytes(32));
      }
      const key = current[alg];
      return new SignJWT(payload).setProtectedHeader({ alg, kid: o.kid ?? key.kid, typ: 'JWT' }).sign(key.privateKey);
    },
    rotateKey(r = {}) {
      current = { RS256: newKey('RS256'), ES256: newKey('ES256') };
      published = [...(r.dropOld ? [] : published), current.RS256, current.ES256];
    },
    close: () => closeServer(server),
  };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((e) => (e ? reject(e) : resolve()));
    server.closeAllConnections();
  });
}
