import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/helpers/errors.js';
import { testWriter } from '../../test/helpers/signed-items.js';
import { parseServiceWriters, ServiceWriters } from './service-writers.js';

const alice = testWriter();
const bob = testWriter();
const own = testWriter();

describe('the writers the service knows', () => {
  it('reads writers: [{subject, key}] and finds each by kid, its own key with no subject', () => {
    const registered = parseServiceWriters([{ subject: 'dev:alice', key: alice.text }, { subject: 'ci:org/app:*', key: bob.text }], 'service.yaml');
    expect(registered.map((w) => [w.subject, w.key.kid])).toEqual([
      ['dev:alice', alice.key.kid],
      ['ci:org/app:*', bob.key.kid],
    ]);
    const writers = new ServiceWriters(registered, own.key);
    expect(writers.find(alice.key.kid)).toMatchObject({ subject: 'dev:alice' });
    expect(writers.find(own.key.kid)).toEqual({ key: own.key, subject: null });
    expect(writers.find('w-0000000000000000')).toBeUndefined();
    expect(writers.keys().map((k) => k.kid).sort()).toEqual([alice.key.kid, bob.key.kid, own.key.kid].sort());
    expect(parseServiceWriters(undefined, 'f')).toEqual([]);
  });

  it.each([
    ['not a list', { subject: 'dev:a', key: alice.text }],
    ['an item not a mapping', ['dev:a']],
    ['an unknown field', [{ subject: 'dev:a', key: alice.text, name: 'a' }]],
    ['a subject with a space', [{ subject: 'dev: a', key: alice.text }]],
    ['no subject', [{ key: alice.text }]],
    ['a key that is not a writer key', [{ subject: 'dev:a', key: 'gitseal1:mlkem1024:AAAA' }]],
    ['one key for two subjects', [{ subject: 'dev:a', key: alice.text }, { subject: 'dev:b', key: alice.text }]],
  ])('refuses %s with E_CONFIG naming the file', (_, v) => {
    const e = errorOf(() => parseServiceWriters(v, 'service.yaml'));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message.startsWith('service.yaml: writers')).toBe(true);
  });

  it("refuses its own key registered for a subject: a signature by it names whom it signed for", () => {
    expect(errorOf(() => new ServiceWriters(parseServiceWriters([{ subject: 'dev:a', key: own.text }], 'f'), own.key)).code).toBe('E_CONFIG');
  });
});
