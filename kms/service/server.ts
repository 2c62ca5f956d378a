/**
 * The rewrap service's HTTP surface as schemas/rewrap.openapi.yaml documents
 * it: which route a method and path reach, and the HTTP status of each wire
 * code. test/openapi.test.ts reads this file's source to compare the two.
 * The HTTPS server itself is in https-server.ts.
 */
import type { WireCode } from '../protocol/types.js';
import { RewrapFault } from './rewrap-request.js';

export const STATUS: Record<WireCode, number> = {
  bad_request: 400,
  too_large: 413,
  too_many_items: 413,
  unauthenticated: 401,
  denied: 403,
  unknown_kid: 404,
  key_revoked: 410,
  tampered: 422,
  unsigned: 403,
  untrusted_writer: 403,
  bad_signature: 422,
  writer_denied: 403,
  signature_needed: 409,
  root_revoked: 503,
  rate_limited: 429,
  timeout: 408,
  not_found: 404,
  method_not_allowed: 405,
  unavailable: 503,
  internal: 500,
};

export type KeyAdminRoute = { route: 'keys.rotate' } | { route: 'keys.revoke' | 'keys.destroy'; kid: string };
/** A route's name is also its label in the request metrics. */
export type RouteMatch = { route: 'healthz' | 'readyz' | 'keys' | 'recipient' | 'audit.head' | 'metrics' | 'rewrap' | 'sign' } | KeyAdminRoute;

const READ_ONLY = new Set(['/healthz', '/readyz', '/metrics', '/v1/keys', '/v1/recipient', '/v1/audit/head']);
const ADMIN_ROUTE = /^\/v1\/keys\/([\w.:-]{1,64})\/(revoke|destroy)$/;

function postOnly<T extends RouteMatch>(method: string, match: T): T {
  if (method !== 'POST') throw new RewrapFault('method_not_allowed', 405, 'use POST');
  return match;
}

/** The route a request line reaches; throws RewrapFault method_not_allowed or not_found. */
export function matchRoute(method: string, url: string): RouteMatch {
  const path = url.split('?')[0]!;
  if (READ_ONLY.has(path) && method !== 'GET' && method !== 'HEAD') throw new RewrapFault('method_not_allowed', 405, 'use GET');
  if (path === '/healthz') return { route: 'healthz' };
  if (path === '/readyz') return { route: 'readyz' };
  if (path === '/v1/keys') return { route: 'keys' };
  if (path === '/v1/recipient') return { route: 'recipient' };
  if (path === '/v1/audit/head') return { route: 'audit.head' };
  if (path === '/v1/rewrap') return postOnly(method, { route: 'rewrap' });
  if (path === '/v1/sign') return postOnly(method, { route: 'sign' });
  if (path === '/v1/keys/rotate') return postOnly(method, { route: 'keys.rotate' });
  const admin = ADMIN_ROUTE.exec(path);
  if (admin) return postOnly(method, { route: admin[2] === 'revoke' ? 'keys.revoke' : 'keys.destroy', kid: admin[1]! });
  if (path === '/metrics') return { route: 'metrics' };
  throw new RewrapFault('not_found', 404, 'no such route');
}
