import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { isGitsealError } from '../../errors.js';
import { computeKid, openDek, sealDek, stanzaField, WRAPPED_DEK_LENGTH } from './dek-wrap.js';

const ctx = { scopeBinding: 'payments/db', docId: new Uint8Array(16).fill(9) };
const info = new Uint8Array([1, 2, 3]);

describe('dek-wrap', () => {
  it('computes kids as org- and 16 hex digits, different per alg', () => {
    const pub = new Uint8Array(32);
    expect(computeKid('mlkem1024', pub)).toMatch(/^org-[0-9a-f]{16}$/);
    expect(computeKid('mlkem1024', pub)).not.toBe(computeKid('mlkem1024-x25519', pub));
  });

  it('seals a DEK to 48 bytes, opens it, and wipes the input keying material', () => {
    const ikm = new Uint8Array(randomBytes(32));
    const dek = new Uint8Array(randomBytes(32));
    const sealed = sealDek(ikm.slice(), info, dek, 'org-a', ctx);
    expect(sealed.length).toBe(WRAPPED_DEK_LENGTH);
    const copy = ikm.slice();
    expect(openDek(copy, info, sealed, 'org-a', ctx)).toEqual(dek);
    expect(copy.every((b) => b === 0)).toBe(true);
  });

  it('does not open under another kid, scope, document or info', () => {
    const ikm = new Uint8Array(randomBytes(32));
    const sealed = sealDek(ikm.slice(), info, new Uint8Array(32), 'org-a', ctx);
    expect(openDek(ikm.slice(), info, sealed, 'org-b', ctx)).toBeNull();
    expect(openDek(ikm.slice(), info, sealed, 'org-a', { ...ctx, scopeBinding: 'payments/*' })).toBeNull();
    expect(openDek(ikm.slice(), info, sealed, 'org-a', { ...ctx, docId: new Uint8Array(16) })).toBeNull();
    expect(openDek(ikm.slice(), new Uint8Array([1, 2]), sealed, 'org-a', ctx)).toBeNull();
  });

  it('refuses DEKs that are not 32 bytes', () => {
    expect(() => sealDek(new Uint8Array(32), info, new Uint8Array(16), 'org-a', ctx)).toThrow(RangeError);
  });

  it('rejects stanza fields of the wrong length with E_FORMAT', () => {
    const stanza = { kid: 'org-a', alg: 'mlkem1024', enc: 'AAAA', dek: 'AAAA' };
    expect(stanzaField(stanza, 'enc', 3)).toEqual(new Uint8Array(3));
    try {
      stanzaField(stanza, 'dek', 48);
      expect.unreachable();
    } catch (e) {
      expect(isGitsealError(e, 'E_FORMAT')).toBe(true);
    }
  });
});
