import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseBinding, parsePolicy } from './policy.js';
import { shadowedAllows } from './policy-shadow.js';

const EXAMPLE = readFileSync(new URL('../../examples/policy.yaml', import.meta.url), 'utf8');
const rulesOf = (rules: object[]) => parsePolicy(stringify({ 'gitseal-policy': 1, rules }), 'p').rules;

describe('shadowedAllows', () => {
  it('names an allow rule that a deny takes away entirely, and the deny', () => {
    const rules = rulesOf([
      { name: 'ci reads prod-db', subjects: ['ci:myorg/*'], scopes: ['payments/prod-db'], operations: ['rewrap'] },
      { name: 'ci reads payments', subjects: ['ci:myorg/*'], scopes: ['payments/*'], operations: ['rewrap'] },
      { name: 'no ci on prod', effect: 'deny', subjects: ['ci:*'], scopes: ['payments/prod-*'], operations: ['rewrap'] },
    ]);
    expect(shadowedAllows(rules)).toEqual(["rule 1 'ci reads prod-db' grants nothing: rule 3 'no ci on prod' denies everything it allows"]);
  });

  it('counts a shadow spread over several deny rules, and key operations', () => {
    const rules = rulesOf([
      { subjects: ['dev:a', 'dev:b'], scopes: ['x/*', 'y/one'], operations: ['rewrap', 'keys.rotate'] },
      { effect: 'deny', subjects: ['dev:a'], scopes: ['*'], operations: ['rewrap', 'keys.rotate'] },
      { effect: 'deny', subjects: ['dev:b'], scopes: ['x/*', 'y/*'], operations: ['rewrap'] },
      { effect: 'deny', subjects: ['dev:*'], operations: ['keys.rotate'] },
    ]);
    expect(shadowedAllows(rules)).toEqual(['rule 1 grants nothing: rule 2 and rule 3 and rule 4 deny everything it allows']);
  });

  it('does not warn about an allow that keeps some grant: another operation, subject or scope', () => {
    const deny = { effect: 'deny', subjects: ['dev:a'], scopes: ['x/*'], operations: ['rewrap'] };
    expect(shadowedAllows(rulesOf([{ subjects: ['dev:a'], scopes: ['x/*'], operations: ['rewrap', 'write'] }, deny]))).toEqual([]);
    expect(shadowedAllows(rulesOf([{ subjects: ['dev:*'], scopes: ['x/*'], operations: ['rewrap'] }, deny]))).toEqual([]);
    expect(shadowedAllows(rulesOf([{ subjects: ['dev:a'], scopes: ['*'], operations: ['rewrap'] }, deny]))).toEqual([]);
    expect(shadowedAllows(rulesOf([{ subjects: ['dev:a'], scopes: ['x*/*'], operations: ['rewrap'] }, deny]))).toEqual([]);
  });

  it('finds nothing to warn about in the example policy', () => {
    expect(shadowedAllows(parsePolicy(EXAMPLE, 'examples/policy.yaml').rules)).toEqual([]);
  });

  it('never invents a shadow: a warned-about allow grants nothing on any binding (property)', () => {
    const seg = fc.constantFrom('a', 'b', 'ab', '*', 'a*');
    const pattern = fc.oneof(fc.constant('*'), fc.tuple(seg, seg).map(([n, m]) => `${n}/${m}`));
    const subject = fc.constantFrom('dev:a', 'dev:b', 'dev:*', '*', 'dev:a*');
    const bindings = ['*', ...['a', 'b', 'ab', 'ba'].flatMap((ns) => [`${ns}/*`, `${ns}/a`, `${ns}/b`, `${ns}/ab`, `${ns}/ba`])];
    fc.assert(
      fc.property(pattern, subject, fc.array(fc.tuple(pattern, subject), { minLength: 1, maxLength: 3 }), (allowScope, allowSubject, denies) => {
        const text = stringify({
          'gitseal-policy': 1,
          rules: [
            { subjects: [allowSubject], scopes: [allowScope], operations: ['rewrap'] },
            ...denies.map(([s, who]) => ({ effect: 'deny', subjects: [who], scopes: [s], operations: ['rewrap'] })),
          ],
        });
        const p = parsePolicy(text, 'p');
        if (shadowedAllows(p.rules).length === 0) return;
        for (const who of ['dev:a', 'dev:b', 'dev:ab', 'dev:', 'x'])
          for (const b of bindings) if (parseBinding(b)) expect(p.decide(who, b, 'rewrap').allowed).toBe(false);
      }),
    );
  });
});
