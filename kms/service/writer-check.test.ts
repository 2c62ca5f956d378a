import { describe, expect, it } from 'vitest';
import { formatRecipient, generateIdentity } from '../../core/crypto/recipients/index.js';
import { signedItem, testWriter } from '../../test/helpers/signed-items.js';
import { parsePolicy } from './policy.js';
import { SignatureCache } from './signature-cache.js';
import { ServiceWriters } from './service-writers.js';
import { WriterCheck } from './writer-check.js';

const recipient = formatRecipient(generateIdentity('mlkem1024-x25519').identity.recipient);
const alice = testWriter();
const policy = parsePolicy('gitseal-policy: 1\nrequireSignatures: ["a/*"]\nrules:\n  - {subjects: ["dev:alice"], scopes: ["*"], operations: [write]}\n', 'p');
const writers = new ServiceWriters([{ subject: 'dev:alice', key: alice.key }], null);

describe('WriterCheck', () => {
  it('asks the worker to verify a signature it has not seen, and not once it verified', () => {
    const check = new WriterCheck(writers);
    const { item } = signedItem(recipient, 'a/b', alice.signer('Alice'));
    const first = check.verdict(item, policy);
    expect(first).toMatchObject({ refuse: null, writer: { kid: alice.key.kid, subject: 'dev:alice' }, verify: { denied: false } });
    if (first.refuse !== null || !first.verify) throw new Error('expected a verification');
    check.verified(first.verify.cacheKey);
    expect(check.verdict(item, policy)).toEqual({ refuse: null, writer: { kid: alice.key.kid, subject: 'dev:alice' } });
  });

  it('accepts a signature named by its signer once it verified it, and asks for it otherwise', () => {
    const check = new WriterCheck(writers);
    const { item } = signedItem(recipient, 'a/b', alice.signer('Alice'));
    const { signature, ...rest } = item.signed!;
    const named = { ...item, signed: { ...rest, signer: signature!.slice(0, signature!.lastIndexOf('.')) } };
    expect(check.verdict(named, policy)).toMatchObject({ refuse: 'signature_needed', writer: { kid: alice.key.kid, subject: 'dev:alice' } });
    const first = check.verdict(item, policy);
    if (first.refuse !== null || !first.verify) throw new Error('expected a verification');
    check.verified(first.verify.cacheKey);
    expect(check.verdict(named, policy)).toEqual({ refuse: null, writer: { kid: alice.key.kid, subject: 'dev:alice' } });
    // The signer names the subject signed: another one names another message, never verified.
    const other = { ...named, signed: { ...named.signed, signer: `${alice.key.kid}.${Buffer.from('Bob').toString('base64url')}` } };
    expect(check.verdict(other, policy)).toMatchObject({ refuse: 'signature_needed' });
    // An unknown key is what it is with or without the bytes.
    const stranger = testWriter();
    const strangers = signedItem(recipient, 'a/b', stranger.signer('x')).item;
    expect(check.verdict({ ...strangers, signed: { ...rest, signer: `${stranger.key.kid}.eA` } }, policy)).toMatchObject({ refuse: 'untrusted_writer' });
  });

  it('forgets the oldest verification when the cache is full', () => {
    const check = new WriterCheck(writers, new SignatureCache(1));
    const keyOf = (item: ReturnType<typeof signedItem>['item']): string => {
      const v = check.verdict(item, policy);
      return v.refuse === null && v.verify ? v.verify.cacheKey : 'none';
    };
    const one = signedItem(recipient, 'a/b', alice.signer('Alice')).item;
    const two = signedItem(recipient, 'a/b', alice.signer('Alice')).item;
    check.verified(keyOf(one));
    check.verified(keyOf(two));
    expect(check.verdict(one, policy)).toHaveProperty('verify');
    expect(check.verdict(two, policy)).not.toHaveProperty('verify');
  });

  it('leaves fields no signature can be over to the worker, and names an unknown writer by kid only', () => {
    const check = new WriterCheck(writers);
    const { item } = signedItem(recipient, 'a/b', alice.signer('Alice'));
    // Not canonical base64url: the worker cannot decode it, so the signature does not verify there.
    expect(check.verdict({ ...item, signed: { ...item.signed!, mac: 'AB' } }, policy)).toMatchObject({ refuse: null, verify: { denied: false } });
    const stranger = testWriter();
    expect(check.verdict(signedItem(recipient, 'c/d', stranger.signer('Alice')).item, policy)).toEqual({ refuse: null, writer: { kid: stranger.key.kid } });
  });
});
