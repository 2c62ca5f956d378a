import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';
import { run } from './policy-check.js';
import type { PolicyCheckOptions } from './policy-check.command.js';

const dir = mkdtempSync(join(tmpdir(), 'gitseal-policy-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const file = join(dir, 'policy.yaml');
writeFileSync(
  file,
  `gitseal-policy: 1
requireSignatures: ["payments/*"]
rules:
  - name: payments team
    subjects: ["dev:alice"]
    scopes: ["payments/*"]
    operations: [rewrap, write]
  - name: readers
    subjects: ["dev:bob"]
    scopes: ["payments/*", "billing/*"]
    operations: [rewrap]
`,
);

async function check(
  subject: string,
  scope: string,
  operation: PolicyCheckOptions['operation'],
  json = false,
  policy = file,
): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  const status = await run({ subject, scope, operation, policy, json, _: [], $0: 'gitseal' } as PolicyCheckOptions);
  return { status, out, err };
}

const EXAMPLE = new URL('../../examples/policy.yaml', import.meta.url).pathname;

describe('gitseal policy check (write and requireSignatures)', () => {
  it('checks write like rewrap, and says when the scope requires signatures', async () => {
    expect(await check('dev:alice', 'payments/db', 'write')).toEqual({
      status: 0,
      err: '',
      out: "allow: allowed by rule 1 'payments team'\nsignatures required for payments/db (requireSignatures: payments/*): its documents must be signed by a writer granted write there\n",
    });
    const bob = await check('dev:bob', 'payments/db', 'write');
    expect(bob.status).toBe(EXIT_CHECK_FAILED);
    expect(bob.err).toBe('');
    expect(bob.out).toMatch(/^deny: no rule grants write on payments\/db to dev:bob/);
    expect((await check('dev:bob', 'billing/db', 'rewrap')).out).toBe("allow: allowed by rule 2 'readers'\n");
  });

  it('gives the requirement in JSON, and none for key operations', async () => {
    expect(JSON.parse((await check('dev:bob', 'payments/*', 'rewrap', true)).out)).toMatchObject({ allowed: true, signaturesRequiredBy: 'payments/*' });
    expect(JSON.parse((await check('dev:bob', 'billing/x', 'rewrap', true)).out)).toMatchObject({ signaturesRequiredBy: null });
    expect(JSON.parse((await check('dev:bob', '*', 'keys.rotate', true)).out)).not.toHaveProperty('signaturesRequiredBy');
  });
});

describe('gitseal policy check (deny rules that meet wider bindings, issue 15)', () => {
  it('explains why the example denies CI a namespace-scoped payments file', async () => {
    const ci = 'ci:myorg/payments:refs/heads/main';
    const wide = await check(ci, 'payments/*', 'rewrap', false, EXAMPLE);
    expect(wide.status).toBe(EXIT_CHECK_FAILED);
    expect(wide.out).toBe(
      "deny: denied by rule 5 'nobody from CI touches prod-db' (its scope payments/prod-db lies within the binding payments/*, which could open it)\n" +
        'signatures required for payments/* (requireSignatures: payments/*): its documents must be signed by a writer granted write there\n',
    );
    expect(wide.err).toBe('');
    expect(JSON.parse((await check(ci, '*', 'rewrap', true, EXAMPLE)).out)).toMatchObject({ allowed: false, rule: { index: 5 } });
    expect((await check(ci, 'payments/api', 'rewrap', false, EXAMPLE)).status).toBe(0);
  });

  it('warns on stderr about an allow rule that a deny shadows entirely', async () => {
    const shadowed = join(dir, 'shadowed.yaml');
    writeFileSync(
      shadowed,
      `gitseal-policy: 1
rules:
  - {name: ci prod, subjects: ["ci:*"], scopes: ["payments/prod-db"], operations: [rewrap]}
  - {name: no ci on prod, effect: deny, subjects: ["ci:*"], scopes: ["payments/prod-*"], operations: [rewrap]}
`,
    );
    const r = await check('ci:x', 'payments/prod-db', 'rewrap', false, shadowed);
    expect(r.status).toBe(EXIT_CHECK_FAILED);
    expect(r.err).toBe("warning: rule 1 'ci prod' grants nothing: rule 2 'no ci on prod' denies everything it allows\n");
  });
});
