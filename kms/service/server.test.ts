import { describe, expect, it } from 'vitest';
import { WIRE_CODES } from '../protocol/types.js';
import { RewrapFault } from './rewrap-request.js';
import { matchRoute, STATUS } from './server.js';

const refusal = (method: string, url: string): Pick<RewrapFault, 'code' | 'status' | 'message'> => {
  try {
    matchRoute(method, url);
  } catch (e) {
    if (e instanceof RewrapFault) return { code: e.code, status: e.status, message: e.message };
    throw e;
  }
  throw new Error(`${method} ${url} was routed`);
};

describe('route table', () => {
  it('routes each documented method and path', () => {
    expect(matchRoute('GET', '/healthz')).toEqual({ route: 'healthz' });
    expect(matchRoute('HEAD', '/healthz')).toEqual({ route: 'healthz' });
    expect(matchRoute('GET', '/readyz')).toEqual({ route: 'readyz' });
    expect(matchRoute('GET', '/metrics')).toEqual({ route: 'metrics' });
    expect(matchRoute('GET', '/v1/keys')).toEqual({ route: 'keys' });
    expect(matchRoute('HEAD', '/v1/keys')).toEqual({ route: 'keys' }); // as every read-only route
    expect(matchRoute('GET', '/v1/recipient')).toEqual({ route: 'recipient' });
    expect(matchRoute('HEAD', '/v1/recipient')).toEqual({ route: 'recipient' });
    expect(matchRoute('POST', '/v1/rewrap')).toEqual({ route: 'rewrap' });
    expect(matchRoute('POST', '/v1/sign')).toEqual({ route: 'sign' });
    expect(matchRoute('POST', '/v1/keys/rotate')).toEqual({ route: 'keys.rotate' });
    expect(matchRoute('POST', '/v1/keys/org-1:a.b_c/revoke')).toEqual({ route: 'keys.revoke', kid: 'org-1:a.b_c' });
    expect(matchRoute('POST', '/v1/keys/org-1/destroy')).toEqual({ route: 'keys.destroy', kid: 'org-1' });
  });

  it('ignores the query string', () => {
    expect(matchRoute('GET', '/readyz?verbose=1')).toEqual({ route: 'readyz' });
    expect(matchRoute('POST', '/v1/rewrap?x')).toEqual({ route: 'rewrap' });
  });

  it('refuses other methods with 405 before anything else', () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/v1/keys', '/v1/recipient'])
      expect(refusal('POST', path)).toEqual({ code: 'method_not_allowed', status: 405, message: 'use GET' });
    for (const path of ['/v1/rewrap', '/v1/sign', '/v1/keys/rotate', '/v1/keys/k1/revoke', '/v1/keys/k1/destroy'])
      expect(refusal('GET', path)).toEqual({ code: 'method_not_allowed', status: 405, message: 'use POST' });
  });

  it('answers 404 for unknown paths, and kids that are not key ids', () => {
    const notFound = { code: 'not_found', status: 404, message: 'no such route' };
    expect(refusal('GET', '/')).toEqual(notFound);
    expect(refusal('POST', '/v1/keys/k1/enable')).toEqual(notFound);
    expect(refusal('POST', `/v1/keys/${'k'.repeat(65)}/revoke`)).toEqual(notFound);
    expect(refusal('POST', '/v1/keys/a%2Fb/revoke')).toEqual(notFound);
  });

  it('has a status for every wire code', () => {
    expect(Object.keys(STATUS).sort()).toEqual([...WIRE_CODES].sort());
    expect(STATUS.internal).toBe(500);
  });
});
