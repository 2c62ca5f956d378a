/**
 * End to end over TLS (issue 5): encrypt with the org's public key only,
 * decrypt through the rewrap service as an allowed developer, denied for
 * another developer and for another scope, a moved envelope refused, every
 * decision in the hash-chained audit log, and no canary secret in logs,
 * audit or metrics.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../kms/service/audit-verify.js';
import { runGitseal } from './helpers/cli.js';
import { readAudit, startTestService, type TestService } from './helpers/rewrap-service.js';

const CANARY = 'CANARY-e2e-7f3a9c-do-not-leak';
const secretFor = (ns: string, name: string): string => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${ns}
type: Opaque
stringData:
  password: ${CANARY}
  user: app
`;

const POLICY = `gitseal-policy: 1
rules:
  - name: alice reads payments
    subjects: ["dev:alice"]
    scopes: ["payments/*"]
    operations: [rewrap]
  - name: bob reads billing
    subjects: ["dev:bob"]
    scopes: ["billing/*"]
    operations: [rewrap]
`;

describe('decrypting through the rewrap service', () => {
  let svc: TestService;
  let dir: string;
  const run = (args: string[], who?: string) => runGitseal(args, { cwd: dir, env: who ? svc.envFor(who) : {} });

  beforeAll(async () => {
    svc = await startTestService({ developers: ['alice', 'bob'], policy: POLICY });
    dir = mkdtempSync(join(tmpdir(), 'gitseal-e2e-'));
    expect((await run(['init', '-r', svc.recipient])).status).toBe(0);
    writeFileSync(join(dir, 'db.yaml'), secretFor('payments', 'db'));
    writeFileSync(join(dir, 'invoice.yaml'), secretFor('billing', 'invoice'));
    for (const f of ['db.yaml', 'invoice.yaml']) {
      const r = await run(['encrypt', '-i', f]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  afterAll(async () => {
    await svc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('encrypts with the public key only: the file names the service kid and holds no canary', () => {
    const enc = readFileSync(join(dir, 'db.yaml'), 'utf8');
    expect(enc).toContain(svc.kid);
    expect(enc).not.toContain(CANARY);
  });

  it('decrypts byte for byte as an allowed developer', async () => {
    const r = await run(['decrypt', 'db.yaml'], 'alice');
    // The CLI names each document's writer on stderr (here: unsigned, which nothing requires); nothing else.
    expect(r.stderr.replace(/^gitseal: db\.yaml#1 payments\/db: unsigned .*\n/m, '')).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(secretFor('payments', 'db'));
  });

  it('runs exec-env and diff --show-values through the service', async () => {
    const e = await run(['exec-env', 'db.yaml', '--', 'sh', '-c', 'printf %s "$user"'], 'alice');
    expect(e.status).toBe(0);
    expect(e.stdout).toBe('app');
    const d = await run(['diff', '--show-values', 'db.yaml', 'db.yaml'], 'alice');
    expect(d.status).toBe(0);
  });

  it('denies another developer with the scope in the message', async () => {
    const r = await run(['decrypt', 'db.yaml'], 'bob');
    expect(r.status).toBe(62);
    expect(r.stderr).toContain('denied by policy for scope payments/db');
    expect(r.stdout).toBe('');
  });

  it('denies an allowed developer on another scope', async () => {
    const r = await run(['decrypt', 'invoice.yaml'], 'alice');
    expect(r.status).toBe(62);
    expect(r.stderr).toContain('billing/invoice');
    expect((await run(['decrypt', 'invoice.yaml'], 'bob')).status).toBe(0);
  });

  it('refuses an envelope moved to another scope', async () => {
    const moved = readFileSync(join(dir, 'db.yaml'), 'utf8').replace('namespace: payments', 'namespace: payments-copy');
    writeFileSync(join(dir, 'moved.yaml'), moved);
    const r = await run(['decrypt', 'moved.yaml'], 'alice');
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toContain(CANARY);
  });

  it('refuses a developer key the service does not know', async () => {
    const r = await runGitseal(['decrypt', 'db.yaml'], { cwd: dir, env: { ...svc.envFor('alice'), GITSEAL_SIGNING_KEY_ID: 'mallory' } });
    expect(r.status).toBe(61);
  });

  it('audits every decision in an unbroken hash chain, without secrets', async () => {
    const text = readFileSync(svc.auditFile, 'utf8');
    expect(verifyAuditLog(text)).toMatchObject({ ok: true });
    const records = readAudit(svc);
    expect(records).toContainEqual(expect.objectContaining({ subject: 'dev:alice', decision: 'allow', scope: 'payments/db', kid: svc.kid }));
    expect(records).toContainEqual(expect.objectContaining({ subject: 'dev:bob', decision: 'deny', reason: 'denied', scope: 'payments/db' }));
    expect(records).toContainEqual(expect.objectContaining({ subject: 'dev:alice', decision: 'deny', reason: 'denied', scope: 'billing/invoice' }));
    expect(records).toContainEqual(expect.objectContaining({ operation: 'authenticate', decision: 'deny' }));
    const enc = readFileSync(join(dir, 'db.yaml'), 'utf8');
    const envelope = /enc: (\S{40})/.exec(enc)?.[1];
    for (const leak of [CANARY, envelope!, 'PRIVATE KEY']) {
      expect(text).not.toContain(leak);
      expect(svc.logs.join('\n')).not.toContain(leak);
    }
  });

  it('serves metrics with results by code and no secrets', async () => {
    const res = await fetchText(`${svc.url}/metrics`, svc.caFile);
    expect(res).toMatch(/gitseal_rewrap_items_total\{result="ok"\} \d+/);
    expect(res).toMatch(/gitseal_rewrap_items_total\{result="denied"\} \d+/);
    expect(res).toContain('gitseal_root_state{state="ready"} 1');
    expect(res).not.toContain(CANARY);
  });
});

async function fetchText(url: string, caFile: string): Promise<string> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    request(url, { ca: readFileSync(caFile) }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}
