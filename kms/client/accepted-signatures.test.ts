import { describe, expect, it } from 'vitest';
import type { RewrapItem } from '../protocol/types.js';
import { AcceptedSignatures } from './accepted-signatures.js';

const item = (signature?: string): RewrapItem => ({
  kid: 'org-1',
  alg: 'mlkem1024-x25519',
  enc: 'AAAA',
  dek: 'BBBB',
  scope: 'a/b',
  docId: 'CCCC',
  signed: { mode: 'secret', file: 'DDDD', after: 'start', last: true, mac: 'EEEE', ...(signature ? { signature } : {}) },
});

describe('AcceptedSignatures', () => {
  it('names an accepted signature by its signer, sends others whole, and forgets on request', () => {
    const accepted = new AcceptedSignatures();
    const a = item('w-0123456789abcdef.YWxpY2U.' + 'S'.repeat(4498));
    expect(accepted.compact(a)).toBe(a);
    accepted.accepted(a);
    const { signature: _, ...signed } = a.signed!;
    expect(accepted.compact(a)).toEqual({ ...a, signed: { ...signed, signer: 'w-0123456789abcdef.YWxpY2U' } });
    expect(accepted.compact(item('w-0123456789abcdef.YWxpY2U.' + 'T'.repeat(4498)))).toHaveProperty('signed.signature');
    accepted.forget(a);
    expect(accepted.compact(a)).toBe(a);
    const unsigned = item();
    accepted.accepted(unsigned);
    expect(accepted.compact(unsigned)).toBe(unsigned);
  });

  it('keeps at most its bound, the least recently used going first', () => {
    const accepted = new AcceptedSignatures(2);
    const [a, b, c] = ['A', 'B', 'C'].map((x) => item(`w-0123456789abcdef.YQ.${x}`));
    accepted.accepted(a!);
    accepted.accepted(b!);
    accepted.compact(a!); // a is used again: b is now the oldest
    accepted.accepted(c!);
    expect([a, b, c].map((i) => accepted.compact(i!) !== i)).toEqual([true, false, true]);
  });
});
