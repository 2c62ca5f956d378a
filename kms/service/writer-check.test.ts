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

  it('refuses fields a signature cannot be over, and names an unknown writer by kid only', () => {
    const check = new WriterCheck(writers);
    const { item } = signedItem(recipient, 'a/b', alice.signer('Alice'));
    expect(check.verdict({ ...item, signed: { ...item.signed!, mac: 'AB' } }, policy)).toMatchObject({ refuse: 'bad_request' });
    const stranger = testWriter();
    expect(check.verdict(signedItem(recipient, 'c/d', stranger.signer('Alice')).item, policy)).toEqual({ refuse: null, writer: { kid: stranger.key.kid } });
  });
});
