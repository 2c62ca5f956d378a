/**
 * The `auth:` section of the service configuration
 * (docs/ARCHITECTURE.md#who-may-ask), checked once where it enters: every
 * field known, every URL https (or plain http on loopback, for tests), every
 * key well formed.
 */
import { fail } from '../../core/errors.js';
import { fromB64url } from '../../core/bytes.js';

export const DEFAULT_AUDIENCE = 'gitseal';
export const DEFAULT_MAX_SKEW_S = 300;
export const DEFAULT_REPLAY_CACHE_SIZE = 100_000;
/** JWT algorithms accepted for service-account tokens (docs/ARCHITECTURE.md#who-may-ask). */
export const SA_ALGORITHMS = ['RS256', 'ES256'] as const;
/** Asymmetric JWS algorithms an OIDC issuer may be configured with; HMAC and 'none' never. */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
/** Subject prefixes other methods own; an OIDC template may not mint them. */
export const RESERVED_PREFIXES = ['system:', 'dev:', 'cert:'] as const;

const IN_CLUSTER = {
  server: 'https://kubernetes.default.svc',
  tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
};

/** How service-account tokens are checked: the cluster's JWKS, or TokenReview on the API server. */
export type ServiceAccountVerify =
  | { kind: 'jwks'; jwksUri: string; caFile?: string; tokenFile?: string }
  | { kind: 'tokenReview'; server: string; tokenFile: string; caFile?: string };

export interface ServiceAccountsConfig {
  /**
   * The cluster's `iss`, compared byte for byte. Optional with TokenReview,
   * where the API server decides (the quick start: the issuer differs from
   * cluster to cluster); the authenticator then takes every bearer JWT that
   * no OIDC issuer claims.
   */
  issuer?: string;
  audience: string;
  verify: ServiceAccountVerify;
}

export interface OidcIssuerConfig {
  issuer: string;
  audience: string;
  /** When absent, discovered from `issuer/.well-known/openid-configuration`. */
  jwksUri?: string;
  /** e.g. 'ci:{repository}:{ref}'; each `{claim}` is replaced by that claim's value. */
  subject: string;
  /** Claims that must equal these strings. */
  require: ReadonlyMap<string, string>;
  algorithms: readonly string[];
}

export interface Ed25519Config {
  /** Key id (the developer's name) → raw 32-byte public key. */
  keys: ReadonlyMap<string, Uint8Array>;
  maxSkew: number;
  replayCacheSize: number;
}

export interface AuthConfig {
  serviceAccounts?: ServiceAccountsConfig;
  oidc: readonly OidcIssuerConfig[];
  ed25519?: Ed25519Config;
  mtls: boolean;
}

type Fields = Record<string, unknown>;

/**
 * Checks the `auth` mapping of the service configuration. Throws
 * GitsealError E_CONFIG naming the field at fault. An empty mapping
 * configures no method: every request is then refused ('missing').
 */
export function parseAuthConfig(value: unknown): AuthConfig {
  const o = mapping(value, 'auth', ['serviceAccounts', 'oidc', 'ed25519', 'mtls']);
  const serviceAccounts = o.serviceAccounts === undefined ? undefined : parseServiceAccounts(o.serviceAccounts);
  const oidc = o.oidc === undefined ? [] : parseOidcList(o.oidc, serviceAccounts?.issuer);
  const ed25519 = o.ed25519 === undefined ? undefined : parseEd25519(o.ed25519);
  if (o.mtls !== undefined && typeof o.mtls !== 'boolean') fail('E_CONFIG', 'auth.mtls must be true or false');
  const mtls = o.mtls === true;
  return { ...(serviceAccounts ? { serviceAccounts } : {}), oidc, ...(ed25519 ? { ed25519 } : {}), mtls };
}

function parseServiceAccounts(v: unknown): ServiceAccountsConfig {
  const w = 'auth.serviceAccounts';
  const o = mapping(v, w, ['issuer', 'audience', 'jwksUri', 'caFile', 'tokenFile', 'tokenReview']);
  const issuer = o.issuer === undefined && o.tokenReview !== undefined ? undefined : url(o.issuer, `${w}.issuer`);
  const audience = optString(o.audience, `${w}.audience`) ?? DEFAULT_AUDIENCE;
  if ((o.jwksUri === undefined) === (o.tokenReview === undefined)) fail('E_CONFIG', `${w} needs exactly one of jwksUri and tokenReview`);
  if (o.jwksUri !== undefined && issuer !== undefined) {
    const caFile = optString(o.caFile, `${w}.caFile`);
    const tokenFile = optString(o.tokenFile, `${w}.tokenFile`);
    const verify = { kind: 'jwks' as const, jwksUri: url(o.jwksUri, `${w}.jwksUri`), ...(caFile ? { caFile } : {}), ...(tokenFile ? { tokenFile } : {}) };
    return { issuer, audience, verify };
  }
  if (o.caFile !== undefined || o.tokenFile !== undefined) fail('E_CONFIG', `${w}: with tokenReview, put caFile and tokenFile inside tokenReview`);
  const t = mapping(o.tokenReview ?? {}, `${w}.tokenReview`, ['server', 'tokenFile', 'caFile']);
  const server = t.server === undefined ? IN_CLUSTER.server : url(t.server, `${w}.tokenReview.server`);
  const tokenFile = optString(t.tokenFile, `${w}.tokenReview.tokenFile`) ?? IN_CLUSTER.tokenFile;
  // The in-cluster CA only makes sense for the in-cluster server; another server uses the system CAs unless told.
  const caFile = optString(t.caFile, `${w}.tokenReview.caFile`) ?? (t.server === undefined ? IN_CLUSTER.caFile : undefined);
  return { ...(issuer ? { issuer } : {}), audience, verify: { kind: 'tokenReview', server, tokenFile, ...(caFile ? { caFile } : {}) } };
}

function parseOidcList(v: unknown, saIssuer: string | undefined): OidcIssuerConfig[] {
  if (!Array.isArray(v)) fail('E_CONFIG', 'auth.oidc must be a list of issuers');
  const list = v.map((item: unknown, i) => parseOidc(item, `auth.oidc[${i}]`));
  const issuers = new Set<string>();
  const prefixes = new Map<string, string>();
  list.forEach((c, i) => {
    if (c.issuer === saIssuer) fail('E_CONFIG', `auth.oidc[${i}].issuer is the serviceAccounts issuer; configure it once`);
    if (issuers.has(c.issuer)) fail('E_CONFIG', `auth.oidc[${i}].issuer ${c.issuer} is listed twice`);
    issuers.add(c.issuer);
    // Two issuers minting the same subject prefix could impersonate each other's callers.
    const prefix = c.subject.slice(0, c.subject.indexOf(':') + 1);
    const other = prefixes.get(prefix);
    if (other !== undefined) fail('E_CONFIG', `auth.oidc[${i}].subject uses prefix ${prefix} like ${other}; give each issuer its own`);
    prefixes.set(prefix, c.issuer);
  });
  return list;
}

function parseOidc(v: unknown, w: string): OidcIssuerConfig {
  const o = mapping(v, w, ['issuer', 'audience', 'jwksUri', 'subject', 'require', 'algorithms']);
  const issuer = url(o.issuer, `${w}.issuer`);
  const audience = optString(o.audience, `${w}.audience`) ?? DEFAULT_AUDIENCE;
  const jwksUri = o.jwksUri === undefined ? undefined : url(o.jwksUri, `${w}.jwksUri`);
  const subject = optString(o.subject, `${w}.subject`) ?? fail('E_CONFIG', `${w}.subject is required, e.g. "ci:{repository}:{ref}"`);
  checkTemplate(subject, `${w}.subject`);
  const require = new Map<string, string>();
  for (const [claim, want] of Object.entries(mapping(o.require ?? {}, `${w}.require`))) {
    if (typeof want !== 'string') fail('E_CONFIG', `${w}.require.${claim} must be a string`);
    require.set(claim, want);
  }
  let algorithms: readonly string[] = SA_ALGORITHMS;
  if (o.algorithms !== undefined) {
    const ok: readonly string[] = OIDC_ALGORITHMS;
    if (!Array.isArray(o.algorithms) || o.algorithms.length === 0 || !o.algorithms.every((a) => typeof a === 'string' && ok.includes(a))) {
      fail('E_CONFIG', `${w}.algorithms must be a non-empty list of ${OIDC_ALGORITHMS.join(', ')}`);
    }
    algorithms = o.algorithms as string[];
  }
  return { issuer, audience, ...(jwksUri ? { jwksUri } : {}), subject, require, algorithms };
}

/**
 * A template is literal text and `{claim}` placeholders. Its first
 * colon-terminated segment must be literal and not a prefix another method
 * owns, so no claim value can make it read 'dev:alice' or 'system:…'.
 */
function checkTemplate(t: string, w: string): void {
  if (/[{}]/.test(t.replace(/\{[A-Za-z0-9_.:-]+\}/g, ''))) fail('E_CONFIG', `${w} has a stray brace or an empty or invalid {claim} name`);
  const colon = t.indexOf(':');
  const brace = t.indexOf('{');
  if (colon <= 0 || (brace !== -1 && brace < colon)) fail('E_CONFIG', `${w} must begin with a literal prefix such as "ci:"`);
  const prefix = t.slice(0, colon + 1);
  if ((RESERVED_PREFIXES as readonly string[]).includes(prefix)) fail('E_CONFIG', `${w} may not begin with ${prefix}: another method owns it`);
}

function parseEd25519(v: unknown): Ed25519Config {
  const w = 'auth.ed25519';
  const o = mapping(v, w, ['keys', 'maxSkew', 'replayCacheSize']);
  const keys = new Map<string, Uint8Array>();
  for (const [name, text] of Object.entries(mapping(o.keys, `${w}.keys`))) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) fail('E_CONFIG', `${w}.keys: key id ${JSON.stringify(name.slice(0, 64))} must be 1-64 letters, digits, '.', '_' or '-'`);
    keys.set(name, parseEd25519PublicKey(text, `${w}.keys.${name}`));
  }
  if (keys.size === 0) fail('E_CONFIG', `${w}.keys lists no key`);
  return {
    keys,
    maxSkew: int(o.maxSkew, `${w}.maxSkew`, 1, 3600) ?? DEFAULT_MAX_SKEW_S,
    replayCacheSize: int(o.replayCacheSize, `${w}.replayCacheSize`, 1, 10_000_000) ?? DEFAULT_REPLAY_CACHE_SIZE,
  };
}

/** 'ed25519:<base64url of the raw 32-byte key>' → the 32 bytes; throws E_CONFIG naming `what`. */
export function parseEd25519PublicKey(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string' || !text.startsWith('ed25519:')) fail('E_CONFIG', `${what} must look like ed25519:<base64url public key>`);
  let raw: Uint8Array | undefined;
  try {
    raw = fromB64url(text.slice('ed25519:'.length), what);
  } catch {
    raw = undefined;
  }
  if (raw?.length !== 32) fail('E_CONFIG', `${what} is not a base64url 32-byte Ed25519 public key`);
  return raw;
}

function mapping(v: unknown, w: string, allowed?: readonly string[]): Fields {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail('E_CONFIG', `${w} must be a mapping`);
  const o = v as Fields;
  if (allowed) {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) fail('E_CONFIG', `${w}: unknown field ${JSON.stringify(k.slice(0, 64))} (known: ${allowed.join(', ')})`);
  }
  return o;
}

function optString(v: unknown, w: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) fail('E_CONFIG', `${w} must be a non-empty string`);
  return v;
}

function int(v: unknown, w: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail('E_CONFIG', `${w} must be a whole number from ${min} to ${max}`);
  return v;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An https URL, or http on loopback (tests); kept as written, since issuers compare byte for byte. */
function url(v: unknown, w: string): string {
  const s = optString(v, w) ?? fail('E_CONFIG', `${w} is required`);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return fail('E_CONFIG', `${w} is not a URL`);
  }
  if (u.username || u.password || u.hash) fail('E_CONFIG', `${w} may not hold credentials or a #fragment`);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) fail('E_CONFIG', `${w} must be an https URL`);
  return s;
}
