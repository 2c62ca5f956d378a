/**
 * OIDC tokens from configured issuers (CI workload identity and the
 * like). The unverified `iss` only chooses which issuer's keys and rules
 * apply; the token is then verified in full against that issuer.
 */
import type { JWTPayload } from 'jose';
import { AuthFailure, type AuthRequest, type Authenticator, type Caller } from './types.js';
import type { OidcIssuerConfig } from './config.js';
import { send, type HttpOptions } from './http.js';
import { bearerToken, createJwtVerifier, DEFAULT_TIMEOUT_MS, peekIssuer, type JwtVerifier, type VerifierTuning } from './jwt.js';

const WHAT = 'OIDC token';

/**
 * Claims bearer JWTs whose `iss` is a configured issuer; null for any
 * other request. Throws AuthFailure with the reasons of the JWT checks
 * (malformed, unsigned, algorithm, expired, clock, audience, signature,
 * unknown_key, unavailable) plus 'claim' (a `require` check failed) and
 * 'subject' (the template names a claim the token lacks).
 */
export class OidcAuthenticator implements Authenticator {
  readonly method = 'oidc' as const;
  readonly #issuers = new Map<string, { config: OidcIssuerConfig; verify: JwtVerifier }>();

  constructor(configs: readonly OidcIssuerConfig[], tuning: VerifierTuning = {}) {
    const http: HttpOptions = { timeoutMs: tuning.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    for (const config of configs) {
      const verify = createJwtVerifier({
        what: WHAT,
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        jwksUri: config.jwksUri !== undefined ? async () => new URL(config.jwksUri!) : () => discoverJwksUri(config.issuer, http),
        http,
        ...(tuning.jwksCooldownMs !== undefined ? { cooldownMs: tuning.jwksCooldownMs } : {}),
      });
      this.#issuers.set(config.issuer, { config, verify });
    }
  }

  async authenticate(req: AuthRequest): Promise<Caller | null> {
    const token = bearerToken(req);
    const iss = token === null ? null : peekIssuer(token);
    const issuer = iss === null ? undefined : this.#issuers.get(iss);
    if (token === null || !issuer) return null;
    const claims = await issuer.verify(token, req.now);
    for (const [claim, want] of issuer.config.require) {
      if (claims[claim] !== want) throw new AuthFailure('claim', `the OIDC token's "${claim}" claim does not have the required value`);
    }
    return { subject: renderSubject(issuer.config.subject, claims), method: 'oidc' };
  }
}

/**
 * Fills each `{claim}` of the template with that claim's value. Throws
 * AuthFailure 'subject' when a claim is missing, not a string or integer,
 * empty, or holds control characters.
 */
export function renderSubject(template: string, claims: JWTPayload): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const v = claims[name];
    const text = typeof v === 'string' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined;
    if (text === undefined || text.length === 0 || text.length > 256 || /[\x00-\x1f\x7f]/.test(text)) {
      throw new AuthFailure('subject', `the OIDC token has no usable "${name}" claim for the subject`);
    }
    return text;
  });
}

/**
 * The `jwks_uri` of `issuer/.well-known/openid-configuration`; rejects when
 * the document is unreachable, names another issuer (OIDC Discovery §4.3)
 * or points at a non-https JWKS.
 */
export async function discoverJwksUri(issuer: string, http: HttpOptions): Promise<URL> {
  const answer = await send(new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`), { method: 'GET', headers: { accept: 'application/json' } }, http);
  if (answer.status !== 200) throw new Error(`discovery answered HTTP ${answer.status}`);
  const doc = JSON.parse(answer.body.toString('utf8')) as { issuer?: unknown; jwks_uri?: unknown };
  if (doc.issuer !== issuer) throw new Error('discovery document names another issuer');
  if (typeof doc.jwks_uri !== 'string') throw new Error('discovery document has no jwks_uri');
  const url = new URL(doc.jwks_uri);
  const loopback = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !loopback) throw new Error('jwks_uri is not https');
  return url;
}
