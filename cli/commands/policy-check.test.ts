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

async function check(subject: string, scope: string, operation: PolicyCheckOptions['operation'], json = false): Promise<{ status: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const status = await run({ subject, scope, operation, policy: file, json, _: [], $0: 'gitseal' } as PolicyCheckOptions);
  return { status, out };
}

describe('gitseal policy check (write and requireSignatures)', () => {
  it('checks write like rewrap, and says when the scope requires signatures', async () => {
    expect(await check('dev:alice', 'payments/db', 'write')).toEqual({
      status: 0,
      out: "allow: allowed by rule 1 'payments team'\nsignatures required for payments/db (requireSignatures: payments/*): its documents must be signed by a writer granted write there\n",
    });
    const bob = await check('dev:bob', 'payments/db', 'write');
    expect(bob.status).toBe(EXIT_CHECK_FAILED);
    expect(bob.out).toMatch(/^deny: no rule grants write on payments\/db to dev:bob/);
    expect((await check('dev:bob', 'billing/db', 'rewrap')).out).toBe("allow: allowed by rule 2 'readers'\n");
  });

  it('gives the requirement in JSON, and none for key operations', async () => {
    expect(JSON.parse((await check('dev:bob', 'payments/*', 'rewrap', true)).out)).toMatchObject({ allowed: true, signaturesRequiredBy: 'payments/*' });
    expect(JSON.parse((await check('dev:bob', 'billing/x', 'rewrap', true)).out)).toMatchObject({ signaturesRequiredBy: null });
    expect(JSON.parse((await check('dev:bob', '*', 'keys.rotate', true)).out)).not.toHaveProperty('signaturesRequiredBy');
  });
});
