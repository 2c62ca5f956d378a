import { describe, expect, it } from 'vitest';
import { RewrapFault } from './rewrap-request.js';
import { parseSignRequest } from './sign-request.js';

const doc = (scope: string) => ({ scope, docId: 'q83vEjRWeJCrze8SNFZ4kA', signed: { mode: 'secret' as const, file: 'q83vEjRWeJCrze8SNFZ4kA', after: 'start', last: true, mac: 'A'.repeat(43) } });

describe('parseSignRequest', () => {
  it('takes documents with their scope, id and signed fields, dropping a signature they had', () => {
    const d = doc('payments/db');
    expect(parseSignRequest({ items: [{ ...d, signed: { ...d.signed, signature: 'w-0123456789abcdef.YQ.AAAA' } }] })).toEqual({ items: [d] });
  });

  it('refuses malformed bodies as bad_request and too many items as too_many_items', () => {
    const code = (body: unknown): string => {
      try {
        parseSignRequest(body);
        return 'accepted';
      } catch (e) {
        return e instanceof RewrapFault ? e.code : 'other';
      }
    };
    expect(code([])).toBe('bad_request');
    expect(code({ items: [] })).toBe('bad_request');
    expect(code({ items: [{ ...doc('Payments/db') }] })).toBe('bad_request');
    expect(code({ items: [{ scope: 'a/b', docId: 'AAAA' }] })).toBe('bad_request');
    expect(code({ items: Array.from({ length: 1001 }, () => doc('a/b')) })).toBe('too_many_items');
  });
});
