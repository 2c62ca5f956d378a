import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { b64url } from '../../bytes.js';
import { formatRecipient, generateIdentity, identityFromSecret, parseRecipient, RECIPIENT_KINDS, unwrapWithAny } from './index.js';
import { errorOf } from '../../../test/helpers/errors.js';

const ctx = { scopeBinding: 'ns/*', docId: new Uint8Array(randomBytes(16)) };


describe('recipient strings', () => {
  for (const alg of Object.keys(RECIPIENT_KINDS) as (keyof typeof RECIPIENT_KINDS)[]) {
    it(`round-trip byte for byte for ${alg}`, () => {
      const { identity } = generateIdentity(alg);
      const s = formatRecipient(identity.recipient);
      expect(s.startsWith(`gitseal1:${alg}:`)).toBe(true);
      const r = parseRecipient(s);
      expect(r.kid).toBe(identity.kid);
      expect(r.alg).toBe(alg);
      expect(formatRecipient(r)).toBe(s);
    });
  }

  it('defaults to the hybrid key type', () => {
    expect(generateIdentity().identity.alg).toBe('mlkem1024-x25519');
  });

  it('rejects malformed strings with E_RECIPIENT and never echoes more than 24 characters', () => {
    const good = formatRecipient(generateIdentity('mlkem1024').identity.recipient);
    const pub = good.split(':')[2]!;
    const bad = [
      '',
      'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgp',
      `gitseal2:mlkem1024:${pub}`,
      `gitseal1:rsa4096:${pub}`,
      `gitseal1:constructor:${pub}`,
      `gitseal1:mlkem1024:${pub}:extra`,
      `gitseal1:mlkem1024:${pub.slice(0, -4)}`,
      `gitseal1:mlkem1024:${pub.slice(0, -1)}=`,
      `gitseal1:mlkem1024-x25519:${pub}`,
      `gitseal1:mlkem1024:${b64url(new Uint8Array(1568).fill(0xff))}`,
      ` ${good}`,
    ];
    for (const s of bad) {
      const e = errorOf(() => parseRecipient(s));
      expect(e.code).toBe('E_RECIPIENT');
      expect(e.message).not.toContain(pub.slice(0, 30));
      if (s.length > 24) expect(e.message).not.toContain(s.slice(0, 25));
    }
  });

  it('rejects a low-order X25519 half', () => {
    const { identity } = generateIdentity('mlkem1024-x25519');
    const pub = identity.recipient.publicKey.slice();
    pub.fill(0, 1568);
    expect(errorOf(() => parseRecipient(`gitseal1:mlkem1024-x25519:${b64url(pub)}`)).code).toBe('E_RECIPIENT');
  });
});

describe('identityFromSecret', () => {
  it('rebuilds a generated identity and refuses unknown algs', () => {
    const { identity, secret } = generateIdentity();
    expect(identityFromSecret('mlkem1024-x25519', secret).kid).toBe(identity.kid);
    expect(errorOf(() => identityFromSecret('rsa' as 'mlkem1024', secret)).code).toBe('E_RECIPIENT');
  });
});

describe('unwrapWithAny', () => {
  const a = generateIdentity('mlkem1024-x25519').identity;
  const b = generateIdentity('mlkem1024').identity;
  const c = generateIdentity().identity;
  const dek = new Uint8Array(randomBytes(32));
  const stanzas = [a.recipient.wrap(dek, ctx), b.recipient.wrap(dek, ctx)];

  it('finds the DEK with whichever key is at hand', () => {
    expect(unwrapWithAny([b], stanzas, ctx)).toEqual(dek);
    expect(unwrapWithAny([c, a], stanzas, ctx)).toEqual(dek);
  });

  it('throws E_NO_KEY listing our kids and the file’s kids', () => {
    const e = errorOf(() => unwrapWithAny([c], stanzas, ctx));
    expect(e.code).toBe('E_NO_KEY');
    expect(e.message).toBe(`no key at hand opens this file: your keys are ${c.kid}; this file is for ${a.kid}, ${b.kid}`);
    expect(errorOf(() => unwrapWithAny([], [], ctx)).message).toContain('your keys are none; this file is for nobody');
  });

  it('does not print a crafted kid', () => {
    const e = errorOf(() => unwrapWithAny([c], [{ ...stanzas[0]!, kid: '\u001b[2Jorg-x' }], ctx));
    expect(e.message).toContain('<malformed>');
    expect(e.message).not.toContain('\u001b');
  });

  it('throws E_TAMPERED when our stanza does not open and no other does', () => {
    expect(errorOf(() => unwrapWithAny([a], stanzas, { ...ctx, scopeBinding: 'other/*' })).code).toBe('E_TAMPERED');
  });

  it('still opens through another stanza when one of ours is damaged', () => {
    const damaged = { ...stanzas[0]!, dek: stanzas[1]!.dek };
    expect(unwrapWithAny([a, b], [damaged, stanzas[1]!], ctx)).toEqual(dek);
  });
});
