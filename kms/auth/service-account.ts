/**
 * Kubernetes service-account tokens (projected, audience `gitseal`),
 * checked either against the cluster's OIDC JWKS or by TokenReview on the
 * API server. The subject is 'system:serviceaccount:NS:NAME', nothing else.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { JWTPayload } from 'jose';
import { fail } from '../../core/errors.js';
import { utf8 } from '../../core/bytes.js';
import { AuthFailure, type AuthRequest, type Authenticator, type Caller } from './types.js';
import { SA_ALGORITHMS, type ServiceAccountsConfig } from './config.js';
import { send, type HttpOptions } from './http.js';
import { bearerToken, createJwtVerifier, DEFAULT_TIMEOUT_MS, peekIssuer, type JwtVerifier, type VerifierTuning } from './jwt.js';

const SA_SUBJECT = /^system:serviceaccount:([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?):([a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)$/;
const WHAT = 'service-account token';

/** `value` when it is 'system:serviceaccount:NS:NAME' with valid Kubernetes names, else null. */
export function serviceAccountSubject(value: unknown): string | null {
  return typeof value === 'string' && SA_SUBJECT.test(value) ? value : null;
}

/**
 * Claims the bearer JWTs whose unverified `iss` is the cluster's; returns
 * null for any other request. Throws AuthFailure (reasons: malformed,
 * unsigned, algorithm, expired, clock, audience, issuer, signature,
 * unknown_key, subject, rejected, unavailable). The constructor throws
 * E_CONFIG when a CA file cannot be read.
 */
export class ServiceAccountAuthenticator implements Authenticator {
  readonly method = 'serviceaccount' as const;
  readonly #check: (token: string, now: number) => Promise<string>;

  /** `otherIssuers`: issuers other authenticators claim; with no `issuer` configured, their tokens are not ours. */
  constructor(
    readonly config: ServiceAccountsConfig,
    tuning: VerifierTuning = {},
    private readonly otherIssuers: ReadonlySet<string> = new Set(),
  ) {
    const v = config.verify;
    const http: HttpOptions = { timeoutMs: tuning.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(v.caFile ? { ca: readConfigFile(v.caFile, 'caFile') } : {}) };
    if (v.kind === 'jwks') {
      const tokenFile = v.tokenFile;
      if (config.issuer === undefined) throw new TypeError('a JWKS check needs the issuer'); // parseAuthConfig makes sure of it
      const verifier = createJwtVerifier({
        what: WHAT,
        issuer: config.issuer,
        audience: config.audience,
        algorithms: SA_ALGORITHMS,
        jwksUri: async () => new URL(v.jwksUri),
        http,
        // The API server serves its JWKS to authenticated callers only, unless anonymous discovery is allowed.
        ...(tokenFile ? { headers: () => ({ authorization: `Bearer ${readConfigFile(tokenFile, 'tokenFile').trim()}` }) } : {}),
        ...(tuning.jwksCooldownMs !== undefined ? { cooldownMs: tuning.jwksCooldownMs } : {}),
      });
      this.#check = (token, now) => subjectOf(verifier, token, now);
    } else {
      const review = tokenReview(v.server, v.tokenFile, config.audience, http);
      this.#check = (token) => review(token);
    }
  }

  async authenticate(req: AuthRequest): Promise<Caller | null> {
    const token = bearerToken(req);
    if (token === null) return null;
    const iss = peekIssuer(token);
    if (this.config.issuer === undefined ? iss === null || this.otherIssuers.has(iss) : iss !== this.config.issuer) return null;
    return { subject: await this.#check(token, req.now), method: 'serviceaccount' };
  }
}

async function subjectOf(verify: JwtVerifier, token: string, now: number): Promise<string> {
  const claims = await verify(token, now);
  const subject = serviceAccountSubject(claims.sub);
  if (!subject) throw new AuthFailure('subject', 'the token is not a service-account token (sub is not system:serviceaccount:NS:NAME)');
  checkKubernetesClaim(claims, subject);
  return subject;
}

/** The `kubernetes.io` claim, when present, must name the same namespace and account as `sub`. */
function checkKubernetesClaim(claims: JWTPayload, subject: string): void {
  const k = claims['kubernetes.io'];
  if (k === undefined) return;
  const [, , ns, name] = subject.split(':');
  const o = typeof k === 'object' && k !== null ? (k as Record<string, unknown>) : {};
  const sa = typeof o.serviceaccount === 'object' && o.serviceaccount !== null ? (o.serviceaccount as Record<string, unknown>) : {};
  if (o.namespace !== ns || sa.name !== name) {
    throw new AuthFailure('subject', 'the token\'s kubernetes.io claim does not match its sub');
  }
}

/**
 * Asks the API server (POST /apis/authentication.k8s.io/v1/tokenreviews,
 * authenticated with the service's own token) whether the token is valid
 * for `audience`. Needs the ClusterRole system:auth-delegator.
 */
function tokenReview(server: string, tokenFile: string, audience: string, http: HttpOptions): (token: string) => Promise<string> {
  const url = new URL(`${server.replace(/\/+$/, '')}/apis/authentication.k8s.io/v1/tokenreviews`);
  return async (token) => {
    let own: string;
    try {
      own = (await readFile(tokenFile, 'utf8')).trim(); // re-read: the kubelet rotates it
    } catch {
      throw new AuthFailure('unavailable', `cannot read the service's own token ${tokenFile} for TokenReview`);
    }
    const body = utf8(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [audience] } }));
    const headers = { authorization: `Bearer ${own}`, 'content-type': 'application/json', accept: 'application/json' };
    let status: unknown;
    try {
      const answer = await send(url, { method: 'POST', headers, body }, http);
      if (answer.status !== 200 && answer.status !== 201) {
        const hint = answer.status === 401 || answer.status === 403 ? '; the service account needs the ClusterRole system:auth-delegator' : '';
        throw new AuthFailure('unavailable', `TokenReview at ${url.host} answered HTTP ${answer.status}${hint}`);
      }
      status = (JSON.parse(answer.body.toString('utf8')) as { status?: unknown }).status;
    } catch (e) {
      if (e instanceof AuthFailure) throw e;
      throw new AuthFailure('unavailable', `TokenReview at ${url.host} failed; try again later`);
    }
    return reviewedSubject(status, audience);
  };
}

function reviewedSubject(status: unknown, audience: string): string {
  const s = typeof status === 'object' && status !== null ? (status as Record<string, unknown>) : {};
  // The API server's status.error may describe the token; it is not repeated.
  if (s.authenticated !== true) throw new AuthFailure('rejected', 'the API server does not accept the service-account token (invalid, expired or revoked)');
  if (!Array.isArray(s.audiences) || !s.audiences.includes(audience)) {
    throw new AuthFailure('audience', `the service-account token is not meant for audience ${audience}`);
  }
  const user = typeof s.user === 'object' && s.user !== null ? (s.user as Record<string, unknown>) : {};
  const subject = serviceAccountSubject(user.username);
  if (!subject) throw new AuthFailure('subject', 'the token does not belong to a service account');
  return subject;
}

function readConfigFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fail('E_CONFIG', `auth.serviceAccounts: cannot read ${what} ${path}`);
  }
}
