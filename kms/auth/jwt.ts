/**
 * Bearer JWTs, shared by the service-account and OIDC authenticators:
 * take the token off the request, peek at its issuer to route it, verify
 * it against the issuer's JWKS, and turn every jose failure into an
 * AuthFailure whose reason is stable and whose message holds no token.
 */
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type RemoteJWKSet } from 'jose';
import { AuthFailure, type AuthRequest } from './types.js';
import { jwksFetch, type HttpOptions } from './http.js';

/** Longer bearer values are refused before any parsing (a JWT is a few KiB at most). */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** Seconds of clock difference tolerated on exp, nbf and iat. */
export const CLOCK_TOLERANCE_S = 30;

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * The token of an `Authorization: Bearer …` header; null when the request
 * has no such header (another scheme, or none). Throws AuthFailure
 * 'malformed' for a Bearer header that cannot hold a token.
 */
export function bearerToken(req: AuthRequest): string | null {
  const h = req.headers['authorization'];
  if (typeof h !== 'string' || !/^bearer(\s|$)/i.test(h)) return null;
  const m = BEARER.exec(h);
  if (!m || m[1]!.length > MAX_TOKEN_LENGTH) throw new AuthFailure('malformed', 'the Authorization header does not hold a bearer token');
  return m[1]!;
}

/** The unverified `iss` of a JWT, to choose who verifies it; null when the token is not a JWT or has none. */
export function peekIssuer(token: string): string | null {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === 'string' ? iss : null;
  } catch {
    return null;
  }
}

/** Network tuning of the JWT-based authenticators; defaults suit production. */
export interface VerifierTuning {
  /** Timeout of each JWKS, discovery or TokenReview request (default 5000 ms). */
  timeoutMs?: number;
  /** Minimum time between JWKS refetches caused by an unknown kid (default 30 s; tests use 0). */
  jwksCooldownMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;

export interface JwtVerifierOptions {
  /** Names the token in messages: 'service-account token', 'OIDC token'. */
  what: string;
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  /** Where the JWKS lives; called until it succeeds once (OIDC discovery may fail and be retried). */
  jwksUri: () => Promise<URL>;
  http: HttpOptions;
  /** Extra headers for the JWKS request (the service's own token for the API server). */
  headers?: () => Record<string, string>;
  /** Minimum time between JWKS refetches caused by an unknown kid (jose's default 30 s). */
  cooldownMs?: number;
}

/** Resolves to the verified claims; throws AuthFailure. */
export type JwtVerifier = (token: string, nowMs: number) => Promise<JWTPayload>;

export function createJwtVerifier(o: JwtVerifierOptions): JwtVerifier {
  // One JWKS resolver per issuer, made once its URL is known; a failed discovery is retried on the next token.
  let jwks: Promise<RemoteJWKSet> | undefined;
  const resolve = async (): Promise<RemoteJWKSet> => {
    let url: URL;
    try {
      url = await o.jwksUri();
    } catch {
      throw new AuthFailure('unavailable', `cannot find the signing keys of ${o.issuer}; try again later`);
    }
    return createRemoteJWKSet(url, {
      timeoutDuration: o.http.timeoutMs,
      ...(o.cooldownMs !== undefined ? { cooldownDuration: o.cooldownMs } : {}),
      [customFetch]: jwksFetch(o.http, o.headers),
    });
  };
  const keys = (): Promise<RemoteJWKSet> => {
    jwks ??= resolve().catch((e: unknown) => {
      jwks = undefined;
      throw e;
    });
    return jwks;
  };

  return async (token, nowMs) => {
    checkHeader(token, o);
    const verifyWith = await keys();
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, verifyWith, {
        issuer: o.issuer,
        audience: o.audience,
        algorithms: [...o.algorithms],
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(nowMs),
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      throw toAuthFailure(e, o);
    }
    // jose checks iat only together with maxTokenAge; a token issued in the future is a clock or forgery problem.
    if (typeof claims.iat === 'number' && claims.iat > nowMs / 1000 + CLOCK_TOLERANCE_S) {
      throw new AuthFailure('clock', `the ${o.what} was issued in the future; check the clocks`);
    }
    return claims;
  };
}

/** Refuses unsigned and unexpected algorithms before any key is fetched. */
function checkHeader(token: string, o: JwtVerifierOptions): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new AuthFailure('malformed', `the ${o.what} is not a JWT`);
  }
  if (typeof alg !== 'string') throw new AuthFailure('malformed', `the ${o.what} names no algorithm`);
  if (alg.toLowerCase() === 'none') throw new AuthFailure('unsigned', `the ${o.what} is not signed`);
  if (!o.algorithms.includes(alg)) {
    throw new AuthFailure('algorithm', `the ${o.what} uses an algorithm that is not accepted (accepted: ${o.algorithms.join(', ')})`);
  }
}

function toAuthFailure(e: unknown, o: JwtVerifierOptions): AuthFailure {
  if (e instanceof AuthFailure) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  const claim = typeof e === 'object' && e !== null && 'claim' in e ? String(e.claim) : '';
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthFailure('expired', `the ${o.what} has expired; get a fresh one`);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') return new AuthFailure('audience', `the ${o.what} is not meant for audience ${o.audience}`);
      if (claim === 'iss') return new AuthFailure('issuer', `the ${o.what} was not issued by ${o.issuer}`);
      if (claim === 'nbf' || claim === 'iat') return new AuthFailure('clock', `the ${o.what} is not valid yet; check the clocks`);
      return new AuthFailure('malformed', `the ${o.what} has a missing or invalid "${claim.slice(0, 16)}" claim`);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AuthFailure('signature', `the ${o.what} signature does not verify`);
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthFailure('unknown_key', `the ${o.what} is signed by a key ${o.issuer} does not publish`);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new AuthFailure('algorithm', `the ${o.what} uses an algorithm that is not accepted`);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthFailure('malformed', `the ${o.what} is not a valid JWT`);
    default:
      // JWKS fetch failed, timed out or returned junk: the issuer, not the caller, is at fault.
      return new AuthFailure('unavailable', `cannot fetch the signing keys of ${o.issuer}; try again later`);
  }
}
