/**
 * Signing through the rewrap service from the CLI (issue 14): a developer
 * with no writer key of their own but credentials for the service has it sign
 * what they write (POST /v1/sign); the service checks `write` on the scope
 * and names them as the subject. A developer without `write` gets nothing
 * signed: a warning, or a refusal when signatures are required.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatWriter } from '../core/crypto/writer-key.js';
import { describeRun } from './helpers/cli.js';
import { startTestService, type TestService } from './helpers/rewrap-service.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const CANARY = 'canary-svc-sign-91ab';
const SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: ${CANARY}\n`;
const POLICY = `gitseal-policy: 1
rules:
  - name: alice writes payments
    subjects: ["dev:alice"]
    scopes: ["payments/*"]
    operations: [rewrap, write]
  - name: bob only reads
    subjects: ["dev:bob"]
    scopes: ["payments/*"]
    operations: [rewrap]
`;

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ developers: ['alice', 'bob'], policy: POLICY, writerKey: true });
});
afterAll(async () => svc?.close());

async function workspace(require = false): Promise<Workspace> {
  const ws = await newWorkspace();
  ws.write('.gitseal.yaml', `recipients:\n  - ${svc.recipient}\nscope: strict\n${require ? 'requireSignatures: true\n' : ''}`);
  ws.write('secret.yaml', SECRET);
  return ws;
}

describe('signing through the rewrap service', () => {
  it('alice, with write on the scope and no writer key, gets each document signed by the service in her name', async () => {
    const ws = await workspace(true);
    const env = svc.envFor('alice');
    const e = await ws.run(['encrypt', 'secret.yaml', '-o', 'secret.enc.yaml'], { env });
    expect(e.status, describeRun(['encrypt'], e)).toBe(0);
    const text = ws.read('secret.enc.yaml');
    expect(text).toContain(`signature: ${svc.writerKey!.kid}.${Buffer.from('dev:alice').toString('base64url')}.`);
    // Until she trusts the service's key, its signature is a warning... and, required, a refusal.
    const untrusted = await ws.run(['decrypt', 'secret.enc.yaml'], { env });
    expect(untrusted.status).toBe(43);
    expect((await ws.run(['trust', 'add', 'rewrap-service', formatWriter(svc.writerKey!), '--signs-for'], { env })).status).toBe(0);
    const d = await ws.run(['decrypt', 'secret.enc.yaml'], { env });
    expect(d.status, describeRun(['decrypt'], d)).toBe(0);
    expect(d.stdout).toBe(SECRET);
    expect(d.stderr).toContain(`payments/db: signed by dev:alice (${svc.writerKey!.kid})`);
    // An edit is signed again the same way.
    const s = await ws.run(['set', 'secret.enc.yaml', 'stringData.password', 'changed'], { env });
    expect(s.status, describeRun(['set'], s)).toBe(0);
    expect(ws.read('secret.enc.yaml')).not.toBe(text);
    expect((await ws.run(['decrypt', 'secret.enc.yaml'], { env })).stderr).toContain('signed by dev:alice');
    for (const r of [e, untrusted, d, s]) expect(r.stderr).not.toContain(CANARY);
  });

  it('bob, without write: when signatures are required nothing is written (E_DENIED); otherwise the file is written unsigned, with a warning', async () => {
    const required = await workspace(true);
    const r = await required.run(['encrypt', 'secret.yaml', '-o', 'secret.enc.yaml'], { env: svc.envFor('bob') });
    expect(r.status, describeRun(['encrypt'], r)).toBe(62);
    expect(r.stderr).toContain('the rewrap service did not sign it');
    expect(existsSync(required.path('secret.enc.yaml'))).toBe(false);

    const optional = await workspace(false);
    const w = await optional.run(['encrypt', 'secret.yaml', '-o', 'secret.enc.yaml'], { env: svc.envFor('bob') });
    expect(w.status, describeRun(['encrypt'], w)).toBe(0);
    expect(w.stderr).toContain('document 1 is written unsigned: the rewrap service did not sign it');
    expect(optional.read('secret.enc.yaml')).not.toContain('signature:');
  });
});
