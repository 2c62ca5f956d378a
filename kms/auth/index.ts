/**
 * Who may ask (docs/ARCHITECTURE.md#who-may-ask): builds the configured
 * authenticators and asks them in turn. Bearer JWTs are routed by their
 * unverified issuer: the cluster's goes to the service-account authenticator,
 * a configured OIDC issuer's to the OIDC one; each returns null for tokens
 * not its own.
 */
import { AuthFailure, type AuthRequest, type Authenticator, type Caller } from './types.js';
import type { AuthConfig } from './config.js';
import { bearerToken, peekIssuer, type VerifierTuning } from './jwt.js';
import { MtlsAuthenticator } from './mtls.js';
import { OidcAuthenticator } from './oidc.js';
import { RequestSignatureAuthenticator } from './request-signature.js';
import { ServiceAccountAuthenticator } from './service-account.js';

export type AuthOptions = VerifierTuning;

/**
 * One authenticator per configured method: signed requests first, then
 * bearer tokens, then the client certificate, so an explicit credential
 * on the request wins over the connection's. Throws E_CONFIG when a CA
 * file cannot be read.
 */
export function createAuthenticators(config: AuthConfig, options: AuthOptions = {}): Authenticator[] {
  const list: Authenticator[] = [];
  if (config.ed25519) list.push(new RequestSignatureAuthenticator(config.ed25519));
  if (config.serviceAccounts) list.push(new ServiceAccountAuthenticator(config.serviceAccounts, options, new Set(config.oidc.map((o) => o.issuer))));
  if (config.oidc.length > 0) list.push(new OidcAuthenticator(config.oidc, options));
  if (config.mtls) list.push(new MtlsAuthenticator());
  return list;
}

/**
 * The caller of `req`: the first authenticator that recognises a
 * credential decides. Throws AuthFailure: the deciding authenticator's
 * (bad credential), 'issuer' for a bearer JWT from an issuer nobody
 * trusts, 'malformed' for a bearer value that is not a JWT, 'unsupported'
 * for another Authorization scheme, and 'missing' for no credential.
 */
export async function authenticate(authenticators: readonly Authenticator[], req: AuthRequest): Promise<Caller> {
  for (const a of authenticators) {
    const caller = await a.authenticate(req);
    if (caller) return caller;
  }
  throw unclaimed(req);
}

function unclaimed(req: AuthRequest): AuthFailure {
  const header = req.headers['authorization'];
  if (header === undefined) return new AuthFailure('missing', 'no credentials: send a bearer token, a signed request or a client certificate');
  if (typeof header !== 'string') return new AuthFailure('malformed', 'more than one Authorization header');
  const token = bearerToken(req);
  if (token === null) return new AuthFailure('unsupported', 'the Authorization scheme is not one this service accepts');
  if (peekIssuer(token) === null) return new AuthFailure('malformed', 'the bearer token is not a JWT with an issuer');
  return new AuthFailure('issuer', 'the bearer token comes from an issuer this service does not trust');
}

export { parseAuthConfig, type AuthConfig } from './config.js';
export { generateSigningKey, loadSigningKey, signRequest } from './request-signature.js';
