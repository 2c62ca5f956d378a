/**
 * The document MAC (mac.ts, node:crypto HMAC) against @noble/hashes' hmac
 * over the length-prefixed field list FORMAT.md gives, and its sensitivity
 * to every field.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { lengthPrefixed } from '../bytes.js';
import { computeMac, macMatches, type MacInput } from './mac.js';

const str = fc.string({ maxLength: 20 });
const macInput: fc.Arbitrary<MacInput> = fc.record({
  mode: fc.constantFrom('secret', 'generic'),
  scopeBinding: str,
  docId: fc.uint8Array({ maxLength: 16 }),
  file: fc.record({ fileId: fc.uint8Array({ minLength: 16, maxLength: 16 }), after: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 })), last: fc.boolean() }),
  kids: fc.array(str, { maxLength: 3 }),
  readable: str,
  layout: str,
  entries: fc.array(fc.tuple(str, str), { maxLength: 4 }),
});

/** FORMAT.md §MAC, written out independently of mac.ts. */
const encode = (m: MacInput): Uint8Array =>
  lengthPrefixed([
    'gitseal/mac/v1', m.mode, m.scopeBinding, m.docId,
    m.file.fileId, m.file.after ?? new Uint8Array(0), m.file.last ? 'last' : 'more',
    String(m.kids.length), ...m.kids,
    m.readable, 'layout', m.layout,
    String(m.entries.length), ...m.entries.flat(),
  ]);

describe('computeMac', () => {
  it('is HMAC-SHA-256 over the length-prefixed fields, as noble computes it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), macInput, (key, m) => {
        expect(Buffer.from(computeMac(key, m))).toEqual(Buffer.from(hmac(sha256, key, encode(m))));
        expect(macMatches(key, m, computeMac(key, m))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('changes when any field changes, including moving text between adjacent fields', () => {
    const key = new Uint8Array(32).fill(9);
    const m: MacInput = { mode: 'secret', scopeBinding: 'ns/n', docId: new Uint8Array(16), file: { fileId: new Uint8Array(16), after: null, last: true }, kids: ['a', 'b'], readable: '', layout: 'L', entries: [['t.1', 'v1.x'], ['t.2', 'v1.y']] };
    const mac = computeMac(key, m);
    const variants: MacInput[] = [
      { ...m, mode: 'generic' },
      { ...m, scopeBinding: 'ns/*' },
      { ...m, docId: new Uint8Array(16).fill(1) },
      { ...m, file: { ...m.file, fileId: new Uint8Array(16).fill(2) } },
      { ...m, file: { ...m.file, after: new Uint8Array(16) } },
      { ...m, file: { ...m.file, last: false } },
      { ...m, kids: ['a'] },
      { ...m, kids: ['b', 'a'] },
      { ...m, kids: ['ab'] },
      { ...m, readable: '{}' },
      { ...m, layout: 'M' },
      { ...m, entries: [m.entries[1]!, m.entries[0]!] },
      { ...m, entries: [m.entries[0]!] },
      { ...m, entries: [['t.1v1.x', ''], m.entries[1]!] },
      { ...m, entries: [...m.entries, m.entries[0]!] },
    ];
    for (const v of variants) expect(macMatches(key, v, mac), JSON.stringify(v, (_, x) => (x instanceof Uint8Array ? [...x] : x))).toBe(false);
    expect(macMatches(new Uint8Array(32), m, mac)).toBe(false);
  });
});
