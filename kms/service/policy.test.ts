import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { codeOf, errorOf } from '../../test/helpers/errors.js';
import { globMatch, parseBinding, parsePolicy, scopeCovers, scopeOverlaps } from './policy.js';

const BRIEF = `
gitseal-policy: 1
rules:
  - name: controller may rewrap everything
    subjects: ["system:serviceaccount:gitseal:controller"]
    scopes: ["*"]
    operations: [rewrap]
  - name: payments team
    subjects: ["dev:alice", "ci:myorg/payments:*"]
    scopes: ["payments/*"]
    operations: [rewrap]
  - name: nobody from CI touches prod-db
    effect: deny
    subjects: ["ci:*"]
    scopes: ["payments/prod-db"]
    operations: [rewrap]
  - name: admins
    subjects: ["dev:admin"]
    operations: [keys.rotate, keys.revoke, keys.destroy]   # key ops have no scope
`;
const EXAMPLE = readFileSync(new URL('../../examples/policy.yaml', import.meta.url), 'utf8');
const SCHEMA = JSON.parse(readFileSync(new URL('../../schemas/policy.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(SCHEMA);

const policy = parsePolicy(BRIEF, 'policy.yaml');

describe('decide', () => {
  it('grants by the first matching allow and names the rule', () => {
    expect(policy.decide('dev:alice', 'payments/db', 'rewrap')).toEqual({
      allowed: true,
      rule: { index: 2, name: 'payments team' },
      reason: "allowed by rule 2 'payments team'",
    });
    expect(policy.decide('system:serviceaccount:gitseal:controller', 'payments/prod-db', 'rewrap').rule?.index).toBe(1);
    expect(policy.decide('ci:myorg/payments:refs/heads/main', 'payments/api', 'rewrap').allowed).toBe(true);
  });

  it('lets a deny rule win over an earlier allow', () => {
    const d = policy.decide('ci:myorg/payments:refs/heads/main', 'payments/prod-db', 'rewrap');
    expect(d).toEqual({ allowed: false, rule: { index: 3, name: 'nobody from CI touches prod-db' }, reason: "denied by rule 3 'nobody from CI touches prod-db'" });
    expect(policy.decide('dev:alice', 'payments/prod-db', 'rewrap').allowed).toBe(true);
  });

  it('denies by default with a one-line reason', () => {
    expect(policy.decide('dev:bob', 'payments/db', 'rewrap')).toEqual({
      allowed: false,
      rule: null,
      reason: 'no rule grants rewrap on payments/db to dev:bob (default deny)',
    });
    expect(policy.decide('dev:alice', 'billing/db', 'rewrap').allowed).toBe(false);
    expect(policy.decide('dev:alice', 'payments/db', 'keys.rotate').reason).toBe('no rule grants keys.rotate to dev:alice (default deny)');
    const weird = policy.decide('dev:\nbob', 'payments/db\r\nx', 'rewrap').reason;
    expect(weird).not.toMatch(/[\r\n]/);
  });

  it('ignores scopes for key operations', () => {
    for (const scope of ['*', 'anything', ''])
      expect(policy.decide('dev:admin', scope, 'keys.destroy')).toMatchObject({ allowed: true, rule: { index: 4, name: 'admins' } });
    expect(policy.decide('dev:admin', 'payments/db', 'rewrap').allowed).toBe(false);
  });

  it('makes a grant cover everything the binding opens', () => {
    expect(policy.decide('dev:alice', 'payments/*', 'rewrap').allowed).toBe(true);
    expect(policy.decide('dev:alice', '*', 'rewrap').allowed).toBe(false);
    expect(policy.decide('system:serviceaccount:gitseal:controller', '*', 'rewrap').allowed).toBe(true);
    const narrow = parsePolicy('gitseal-policy: 1\nrules:\n  - {subjects: [dev:a], scopes: ["payments/app-*", "*/db"], operations: [rewrap]}\n', 'p');
    expect(narrow.decide('dev:a', 'payments/app-web', 'rewrap').allowed).toBe(true);
    expect(narrow.decide('dev:a', 'payments/*', 'rewrap').allowed).toBe(false);
    expect(narrow.decide('dev:a', 'billing/db', 'rewrap')).toMatchObject({ allowed: true, rule: { index: 1 }, reason: 'allowed by rule 1' });
    expect(narrow.decide('dev:a', 'billing/*', 'rewrap').allowed).toBe(false);
  });

  it('denies malformed bindings and empty subjects whatever the rules say', () => {
    const open = parsePolicy('gitseal-policy: 1\nrules:\n  - {subjects: ["*"], scopes: ["*"], operations: [rewrap]}\n', 'p');
    for (const scope of ['', '/x', 'x/', 'a/b/c', '*/x', 'a/b*', 'a/\nb']) expect(open.decide('dev:a', scope, 'rewrap'), scope).toMatchObject({ allowed: false, rule: null });
    expect(open.decide('', 'a/b', 'rewrap').allowed).toBe(false);
    expect(open.decide('dev:a', 'a/b', 'rewrap').allowed).toBe(true);
  });

  it('treats regex characters in patterns literally', () => {
    const p = parsePolicy('gitseal-policy: 1\nrules:\n  - {subjects: ["dev:a.b+(c)?[x]"], scopes: ["*"], operations: [rewrap]}\n', 'p');
    expect(p.decide('dev:a.b+(c)?[x]', '*', 'rewrap').allowed).toBe(true);
    expect(p.decide('dev:aXb+(c)?[x]', '*', 'rewrap').allowed).toBe(false);
    expect(p.decide('dev:a.bb(c)x', '*', 'rewrap').allowed).toBe(false);
  });

  it('grants write per subject × scope like rewrap, each on its own', () => {
    const p = parsePolicy(
      'gitseal-policy: 1\nrules:\n  - {subjects: [dev:alice], scopes: ["payments/*"], operations: [rewrap, write]}\n  - {subjects: [dev:bob], scopes: ["payments/*"], operations: [rewrap]}\n  - {subjects: ["dev:ci"], scopes: ["payments/api"], operations: [write]}\n',
      'p',
    );
    expect(p.decide('dev:alice', 'payments/db', 'write')).toMatchObject({ allowed: true, rule: { index: 1 } });
    expect(p.decide('dev:alice', 'payments/*', 'write').allowed).toBe(true);
    expect(p.decide('dev:bob', 'payments/db', 'rewrap').allowed).toBe(true);
    expect(p.decide('dev:bob', 'payments/db', 'write')).toMatchObject({ allowed: false, reason: 'no rule grants write on payments/db to dev:bob (default deny)' });
    expect(p.decide('dev:ci', 'payments/api', 'write').allowed).toBe(true);
    expect(p.decide('dev:ci', 'payments/api', 'rewrap').allowed).toBe(false);
    // A grant of one object does not cover a namespace-wide document.
    expect(p.decide('dev:ci', 'payments/*', 'write').allowed).toBe(false);
  });

  it('reads the commented example', () => {
    const ex = parsePolicy(EXAMPLE, 'examples/policy.yaml');
    expect(ex.rules.length).toBe(6);
    expect(ex.decide('ci:myorg/payments:refs/heads/main', 'payments/prod-db', 'rewrap').allowed).toBe(false);
    expect(ex.decide('ci:myorg/payments:refs/heads/main', 'payments/api', 'rewrap').allowed).toBe(true);
    expect(ex.decide('dev:alice', 'payments-staging/app-web', 'rewrap').allowed).toBe(true);
    expect(ex.decide('dev:alice', 'payments-staging/db', 'rewrap').allowed).toBe(false);
    expect(ex.decide('cert:gitseal-admin', '*', 'keys.rotate').allowed).toBe(true);
    expect(ex.decide('dev:bob', 'payments/api', 'write').allowed).toBe(true);
    expect(ex.decide('dev:alice', 'payments/api', 'write').allowed).toBe(false);
    expect(ex.signaturesRequiredBy('payments/api')).not.toBeNull();
  });

  it('the example keeps CI from prod-db through a namespace-scoped or cluster-scoped file too (issue 15)', () => {
    const ex = parsePolicy(EXAMPLE, 'examples/policy.yaml');
    const ci = 'ci:myorg/payments:refs/heads/main';
    for (const scope of ['payments/prod-db', 'payments/*', '*'])
      expect(ex.decide(ci, scope, 'rewrap')).toMatchObject({ allowed: false, rule: { index: 5, name: 'nobody from CI touches prod-db' } });
    expect(ex.decide(ci, 'payments/*', 'rewrap').reason).toBe(
      "denied by rule 5 'nobody from CI touches prod-db' (its scope payments/prod-db lies within the binding payments/*, which could open it)",
    );
    expect(ex.decide(ci, 'payments/api', 'rewrap').allowed).toBe(true);
    expect(ex.decide('system:serviceaccount:gitseal:controller', 'payments/*', 'rewrap').allowed).toBe(true);
    expect(ex.decide(ci, 'payments/*', 'write').allowed).toBe(true);
  });
});

describe('deny rules apply wherever their pattern meets the binding', () => {
  it('denies a wider binding that could open what the deny names, and leaves others alone', () => {
    expect(policy.decide('ci:myorg/payments:x', 'payments/*', 'rewrap')).toMatchObject({ allowed: false, rule: { index: 3 } });
    expect(policy.decide('ci:myorg/payments:x', '*', 'rewrap')).toMatchObject({ allowed: false, rule: { index: 3 } });
    expect(policy.decide('ci:myorg/payments:x', 'payments/api', 'rewrap')).toMatchObject({ allowed: true, rule: { index: 2 } });
    expect(policy.decide('dev:alice', 'payments/*', 'rewrap').allowed).toBe(true);
    // A plain covering deny keeps its short reason.
    expect(policy.decide('ci:myorg/payments:x', 'payments/prod-db', 'rewrap').reason).toBe("denied by rule 3 'nobody from CI touches prod-db'");
  });

  it('meets globbed patterns: a deny of pay*/prod-* reaches payments/* and *, not billing/*', () => {
    const p = parsePolicy(
      stringify({
        'gitseal-policy': 1,
        rules: [
          { subjects: ['dev:*'], scopes: ['*'], operations: ['rewrap'] },
          { effect: 'deny', subjects: ['dev:x'], scopes: ['pay*/prod-*'], operations: ['rewrap'] },
        ],
      }),
      'p',
    );
    expect(p.decide('dev:x', 'payments/*', 'rewrap').allowed).toBe(false);
    expect(p.decide('dev:x', '*', 'rewrap').allowed).toBe(false);
    expect(p.decide('dev:x', 'payments/prod-db', 'rewrap').allowed).toBe(false);
    expect(p.decide('dev:x', 'payments/api', 'rewrap').allowed).toBe(true);
    expect(p.decide('dev:x', 'billing/*', 'rewrap').allowed).toBe(true);
    expect(p.decide('dev:y', 'payments/*', 'rewrap').allowed).toBe(true);
  });

  it('a deny beats every allow for each binding it meets (property)', () => {
    const seg = fc.constantFrom('a', 'b', 'ab', '*', 'a*');
    const pattern = fc.oneof(fc.constant('*'), fc.tuple(seg, seg).map(([n, m]) => `${n}/${m}`));
    const binding = fc.oneof(fc.constant('*'), fc.constantFrom('a', 'b', 'ab').chain((ns) => fc.constantFrom(`${ns}/*`, `${ns}/a`, `${ns}/b`, `${ns}/ab`)));
    fc.assert(
      fc.property(pattern, binding, (deny, scope) => {
        const p = parsePolicy(
          stringify({ 'gitseal-policy': 1, rules: [{ subjects: ['*'], scopes: ['*'], operations: ['rewrap'] }, { effect: 'deny', subjects: ['*'], scopes: [deny], operations: ['rewrap'] }] }),
          'p',
        );
        const b = parseBinding(scope)!;
        expect(p.decide('dev:x', scope, 'rewrap').allowed).toBe(!scopeOverlaps(deny, b));
      }),
    );
  });
});

describe('requireSignatures', () => {
  const p = parsePolicy('gitseal-policy: 1\nrequireSignatures: ["payments/db", "prod-*/*"]\nrules: []\n', 'p');

  it('names the pattern that requires signatures for a binding, or null', () => {
    expect(p.requireSignatures).toEqual(['payments/db', 'prod-*/*']);
    expect(p.signaturesRequiredBy('payments/db')).toBe('payments/db');
    expect(p.signaturesRequiredBy('payments/api')).toBeNull();
    expect(p.signaturesRequiredBy('billing/db')).toBeNull();
    expect(p.signaturesRequiredBy('prod-eu/anything')).toBe('prod-*/*');
    expect(p.signaturesRequiredBy('prod-eu/*')).toBe('prod-*/*');
  });

  it('reaches the wider bindings that could open a required object', () => {
    // A namespace-wide or cluster-wide document can become payments/db: it must be signed too.
    expect(p.signaturesRequiredBy('payments/*')).toBe('payments/db');
    expect(p.signaturesRequiredBy('*')).toBe('payments/db');
    expect(p.signaturesRequiredBy('billing/*')).toBeNull();
  });

  it("'*' requires them everywhere, none nowhere, and a malformed binding is not let off", () => {
    const all = parsePolicy('gitseal-policy: 1\nrequireSignatures: ["*"]\nrules: []\n', 'p');
    for (const scope of ['a/b', 'a/*', '*']) expect(all.signaturesRequiredBy(scope)).toBe('*');
    expect(policy.signaturesRequiredBy('payments/db')).toBeNull();
    expect(policy.requireSignatures).toEqual([]);
    expect(p.signaturesRequiredBy('a/b/c')).toBe('payments/db');
  });

  it('overlaps whatever a pattern covers, and more', () => {
    const seg = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,6}$/);
    const glob = fc.stringMatching(/^[a-z0-9*-]{1,6}$/);
    const binding = fc.oneof(fc.constant('*'), seg.map((n) => `${n}/*`), fc.tuple(seg, seg).map(([n, m]) => `${n}/${m}`));
    fc.assert(
      fc.property(fc.oneof(fc.constant('*'), fc.tuple(glob, glob).map(([a, b]) => `${a}/${b}`)), binding, (pattern, scope) => {
        const b = parseBinding(scope)!;
        if (scopeCovers(pattern, b)) expect(scopeOverlaps(pattern, b)).toBe(true);
        // A strict binding overlaps exactly the patterns that cover it.
        if (b.kind === 'strict') expect(scopeOverlaps(pattern, b)).toBe(scopeCovers(pattern, b));
      }),
    );
  });
});

const BAD: Array<[string, string, RegExp]> = [
  ['unknown top-level field', 'gitseal-policy: 1\nrules: []\nextra: 1\n', /unknown top-level field "extra"/],
  ['missing version', 'rules: []\n', /gitseal-policy/],
  ['wrong version', 'gitseal-policy: 2\nrules: []\n', /gitseal-policy/],
  ['rules not a list', 'gitseal-policy: 1\nrules: {}\n', /"rules" must be a list/],
  ['rule not a mapping', 'gitseal-policy: 1\nrules: [x]\n', /rule 1 must be a mapping/],
  ['unknown rule field', 'gitseal-policy: 1\nrules:\n  - {name: n, subjects: [a], scopes: ["*"], operations: [rewrap], scope: x}\n', /rule 1 \("n"\): unknown field "scope"/],
  ['subjects not a list', 'gitseal-policy: 1\nrules:\n  - {subjects: dev:a, scopes: ["*"], operations: [rewrap]}\n', /rule 1: field "subjects"/],
  ['empty subjects', 'gitseal-policy: 1\nrules:\n  - {subjects: [], scopes: ["*"], operations: [rewrap]}\n', /field "subjects": must be a non-empty list/],
  ['subject with a space', 'gitseal-policy: 1\nrules:\n  - {subjects: ["dev: a"], scopes: ["*"], operations: [rewrap]}\n', /field "subjects": item 1/],
  ['subject not a string', 'gitseal-policy: 1\nrules:\n  - {subjects: [a, 3], scopes: ["*"], operations: [rewrap]}\n', /field "subjects": item 2 \(a number\)/],
  ['unknown operation', 'gitseal-policy: 1\nrules:\n  - {subjects: [a], scopes: ["*"], operations: [rewarp]}\n', /field "operations": item 1 \("rewarp"\)/],
  ['no operations', 'gitseal-policy: 1\nrules:\n  - {subjects: [a], scopes: ["*"]}\n', /field "operations": is required/],
  ['rewrap without scopes', 'gitseal-policy: 1\nrules:\n  - {subjects: [a], operations: [rewrap]}\n', /field "scopes": is required/],
  ['key operations with scopes', 'gitseal-policy: 1\nrules:\n  - {subjects: [a], scopes: ["*"], operations: [keys.rotate]}\n', /field "scopes": key operations take no scopes/],
  ['scope without a slash', 'gitseal-policy: 1\nrules:\n  - {subjects: [a], scopes: [payments], operations: [rewrap]}\n', /field "scopes": item 1 \("payments"\)/],
  ['scope with upper case', 'gitseal-policy: 1\nrules:\n  - {subjects: [a], scopes: [Pay/x], operations: [rewrap]}\n', /field "scopes"/],
  ['scope with two slashes', 'gitseal-policy: 1\nrules:\n  - {subjects: [a], scopes: [a/b/c], operations: [rewrap]}\n', /field "scopes"/],
  ['bad effect', 'gitseal-policy: 1\nrules:\n  - {effect: permit, subjects: [a], scopes: ["*"], operations: [rewrap]}\n', /field "effect"/],
  ['name not a string', 'gitseal-policy: 1\nrules:\n  - {name: [x], subjects: [a], scopes: ["*"], operations: [rewrap]}\n', /rule 1: field "name"/],
  ['name over two lines', 'gitseal-policy: 1\nrules:\n  - {name: "a\\nb", subjects: [a], scopes: ["*"], operations: [rewrap]}\n', /field "name"/],
  ['second rule bad', `gitseal-policy: 1\nrules:\n  - {subjects: [a], scopes: ["*"], operations: [rewrap]}\n  - {name: two, subjects: [a], scopes: ["*"], operations: [nope]}\n`, /rule 2 \("two"\)/],
  ['not a mapping', '- a\n', /must be a mapping/],
  ['invalid YAML', 'gitseal-policy: 1\nrules: [\n', /not valid YAML \(line \d+, column \d+\)/],
  ['duplicate key', 'gitseal-policy: 1\nrules: []\nrules: []\n', /not valid YAML.*DUPLICATE_KEY/],
  ['requireSignatures not a list', 'gitseal-policy: 1\nrequireSignatures: true\nrules: []\n', /field "requireSignatures": must be a non-empty list, not a boolean/],
  ['requireSignatures empty', 'gitseal-policy: 1\nrequireSignatures: []\nrules: []\n', /field "requireSignatures": must be a non-empty list/],
  ['requireSignatures bad pattern', 'gitseal-policy: 1\nrequireSignatures: [payments]\nrules: []\n', /field "requireSignatures": item 1 \("payments"\)/],
  ['write without scopes', 'gitseal-policy: 1\nrules:\n  - {subjects: [a], operations: [write]}\n', /field "scopes": is required/],
  ['alias bomb', `a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n`, /alias/],
];

describe('parsePolicy refuses', () => {
  it.each(BAD)('%s', (_, text, message) => {
    const e = errorOf(() => parsePolicy(text, 'p.yaml'));
    expect(e.code).toBe('E_POLICY');
    expect(e.message).toMatch(message);
    expect(e.message.startsWith('p.yaml: ')).toBe(true);
  });

  it('never echoes more than a short preview of the input', () => {
    const secretish = 'S3CRET'.repeat(50);
    for (const text of [
      `gitseal-policy: 1\nrules:\n  - {subjects: ["${secretish} x"], scopes: ["*"], operations: [rewrap]}\n`,
      `gitseal-policy: 1\nrules:\n  - {subjects: [a], scopes: ["${secretish}"], operations: [rewrap]}\n`,
      `gitseal-policy: 1\n${secretish}: 1\nrules: []\n`,
      `gitseal-policy: 1\nrules: [\n${secretish}: {\n`,
      `gitseal-policy: "${secretish}"\nrules: []\n`,
    ]) {
      const e = errorOf(() => parsePolicy(text, 'p'));
      expect(e.message.length).toBeLessThan(260);
      expect(e.message).not.toContain('S3CRET'.repeat(7));
    }
    expect(codeOf(() => parsePolicy('x'.repeat((1 << 20) + 1), 'p'))).toBe('E_POLICY');
  });
});

describe('matching properties', () => {
  const seg = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
  const glob = fc.stringMatching(/^[a-z0-9*-]{1,8}$/);

  it("'*' covers every binding and every subject pattern '*' every subject", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant('*'), seg.map((n) => `${n}/*`), fc.tuple(seg, seg).map(([n, m]) => `${n}/${m}`)), fc.string({ minLength: 1 }), (scope, subject) => {
        expect(scopeCovers('*', parseBinding(scope)!)).toBe(true);
        expect(globMatch('*', subject)).toBe(true);
      }),
    );
  });

  it('a namespace binding is covered only by whole-namespace patterns', () => {
    fc.assert(
      fc.property(seg, glob, glob, (ns, pns, pname) => {
        const covered = scopeCovers(`${pns}/${pname}`, parseBinding(`${ns}/*`)!);
        expect(covered).toBe(pname === '*' && globMatch(pns, ns));
        // Whatever covers the namespace covers each object in it.
        if (covered) expect(scopeCovers(`${pns}/${pname}`, parseBinding(`${ns}/x`)!)).toBe(true);
      }),
    );
  });

  it('a namespace binding never matches a pattern that a strict binding in another namespace needs', () => {
    fc.assert(
      fc.property(seg, seg, seg, (ns, other, name) => {
        fc.pre(ns !== other);
        const pattern = `${other}/${name}`;
        expect(scopeCovers(pattern, parseBinding(`${other}/${name}`)!)).toBe(true);
        expect(scopeCovers(pattern, parseBinding(`${ns}/*`)!)).toBe(false);
        expect(scopeCovers(pattern, parseBinding(`${ns}/${name}`)!)).toBe(false);
      }),
    );
  });

  it('the cluster binding is covered by nothing but *', () => {
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        expect(scopeCovers(`${a}/${b}`, parseBinding('*')!)).toBe(false);
      }),
    );
  });

  it('globMatch agrees with an anchored, escaped RegExp', () => {
    const chars = fc.constantFrom('a', 'b', '.', '+', '(', '[', '\\', '^', '$', '?', ':', '/');
    fc.assert(
      fc.property(fc.array(fc.oneof(chars, fc.constant('*')), { maxLength: 10 }), fc.array(chars, { maxLength: 12 }), (p, t) => {
        const pattern = p.join('');
        const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 's');
        expect(globMatch(pattern, t.join(''))).toBe(re.test(t.join('')));
      }),
    );
  });

  it('globMatch stays fast on patterns that make regexes backtrack', () => {
    const start = performance.now();
    expect(globMatch(`${'*a'.repeat(50)}b`, 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - start).toBeLessThan(10_000); // backtracking would take hours, not seconds
  });

  it('a deny rule wins wherever it stands', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), (at) => {
        const allow = { subjects: ['dev:*'], scopes: ['*'], operations: ['rewrap'] };
        const rules: object[] = [allow, allow, allow];
        rules.splice(at, 0, { effect: 'deny', subjects: ['dev:x'], scopes: ['a/b'], operations: ['rewrap'] });
        const p = parsePolicy(stringify({ 'gitseal-policy': 1, rules }), 'p');
        expect(p.decide('dev:x', 'a/b', 'rewrap')).toMatchObject({ allowed: false, rule: { index: at + 1 } });
        expect(p.decide('dev:y', 'a/b', 'rewrap').allowed).toBe(true);
      }),
    );
  });
});

describe('schemas/policy.schema.json', () => {
  const accepts = (text: string): boolean => codeOf(() => parsePolicy(text, 'p')) === 'success';

  it('validates the example policies', () => {
    for (const text of [BRIEF, EXAMPLE]) {
      expect(accepts(text)).toBe(true);
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('agrees with parsePolicy on good and bad samples', () => {
    const rule = { name: 'r', subjects: ['dev:a'], scopes: ['ns/*'], operations: ['rewrap'] };
    const samples: unknown[] = [
      { 'gitseal-policy': 1, rules: [] },
      { 'gitseal-policy': 1, rules: [rule] },
      { 'gitseal-policy': 1, rules: [{ ...rule, effect: 'deny' }] },
      { 'gitseal-policy': 1, rules: [{ subjects: ['*'], operations: ['keys.rotate', 'keys.destroy'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, operations: ['rewrap', 'keys.revoke'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, scopes: ['*', 'a-b.c/x*y', '*/*'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, operations: ['write'] }] },
      { 'gitseal-policy': 1, requireSignatures: ['*', 'payments/*'], rules: [{ ...rule, operations: ['rewrap', 'write'] }] },
      { 'gitseal-policy': 1, requireSignatures: [], rules: [] },
      { 'gitseal-policy': 1, requireSignatures: true, rules: [] },
      { 'gitseal-policy': 1, requireSignatures: ['payments'], rules: [] },
      { 'gitseal-policy': 1, rules: [{ ...rule, operations: ['write'], scopes: undefined }] },
      { 'gitseal-policy': 2, rules: [] },
      { rules: [] },
      { 'gitseal-policy': 1 },
      { 'gitseal-policy': 1, rules: [], more: true },
      { 'gitseal-policy': 1, rules: [{ ...rule, extra: 1 }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, effect: 'maybe' }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, name: '' }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, name: 'a\tb' }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, name: 7 }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, subjects: [] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, subjects: ['a b'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, subjects: [''] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, subjects: ['x'.repeat(513)] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, subjects: ['é'.repeat(512)] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, scopes: [] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, scopes: ['ns'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, scopes: ['NS/x'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, scopes: ['a/b/c'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, scopes: ['/b'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, scopes: undefined }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, operations: ['keys.rotate'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, operations: [] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, operations: ['delete'] }] },
      { 'gitseal-policy': 1, rules: [{ ...rule, operations: 'rewrap' }] },
      { 'gitseal-policy': 1, rules: ['x'] },
      { 'gitseal-policy': 1, rules: {} },
      [],
    ];
    for (const sample of samples) {
      const json = JSON.parse(JSON.stringify(sample)) as unknown;
      expect(accepts(stringify(json)), JSON.stringify(json)).toBe(validate(json));
    }
    expect(samples.filter((s) => validate(JSON.parse(JSON.stringify(s)))).length).toBe(9);
  });
});

