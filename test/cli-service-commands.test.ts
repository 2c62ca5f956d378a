/**
 * The service-side commands from the bundle: `policy check` explains a
 * decision with the rule that made it, `audit verify` finds a tampered
 * record, and a client certificate (mTLS) is a credential of its own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { b64url } from '../core/bytes.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { RewrapClient } from '../kms/client/client.js';
import { runGitseal, ROOT } from './helpers/cli.js';
import { readAudit, startTestService } from './helpers/rewrap-service.js';

const dir = mkdtempSync(join(tmpdir(), 'gitseal-svc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const policy = join(ROOT, 'examples', 'policy.yaml');

describe('gitseal policy check', () => {
  it('allows with the deciding rule, exit 0', async () => {
    const r = await runGitseal(['policy', 'check', 'ci:myorg/payments:refs/heads/main', 'payments/api', '--policy', policy], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("payments CI");
  });

  it('denies with the deny rule that wins, exit 1, and says why in JSON', async () => {
    const r = await runGitseal(['policy', 'check', 'ci:myorg/payments:refs/heads/main', 'payments/prod-db', '--policy', policy, '--json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ allowed: false });
    expect(r.stdout).toContain('nobody from CI touches prod-db');
  });

  it('refuses a broken policy with E_POLICY', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'gitseal-policy: 1\nrules:\n  - subjects: [x]\n    operations: [fly]\n');
    const r = await runGitseal(['policy', 'check', 'x', 'a/b', '--policy', 'bad.yaml'], { cwd: dir });
    expect(r.status).toBe(67);
    expect(r.stderr).toContain('[E_POLICY]');
  });
});

describe('gitseal audit verify and mTLS', () => {
  it('accepts a service audit log written under mTLS, and finds one edited record', async () => {
    const svc = await startTestService({
      developers: ['alice'],
      clientCerts: true,
      auth: '  mtls: true\n',
      policy: 'gitseal-policy: 1\nrules:\n  - subjects: ["cert:alice"]\n    scopes: ["payments/*"]\n    operations: [rewrap]\n',
    });
    try {
      const dek = randomBytes(32);
      const docId = randomBytes(16);
      const s = parseRecipient(svc.recipient).wrap(dek, { scopeBinding: 'payments/db', docId });
      const client = new RewrapClient({ server: svc.url, ca: readFileSync(svc.caFile), cert: readFileSync(join(svc.dir, 'alice-cert.pem')), key: readFileSync(join(svc.dir, 'alice-key.pem')) });
      const item = { kid: s.kid, alg: 'mlkem1024-x25519' as const, enc: s.enc, dek: s.dek, scope: 'payments/db', docId: b64url(docId) };
      expect(Buffer.from((await client.unwrap([item]))[0]!)).toEqual(dek);
      const [denied] = await client.unwrapSettled([{ ...item, scope: 'billing/db' }]);
      expect(denied).toMatchObject({ ok: false, code: 'E_DENIED' });
      client.close();
      expect(readAudit(svc)).toContainEqual(expect.objectContaining({ subject: 'cert:alice', method: 'mtls', decision: 'allow' }));

      const ok = await runGitseal(['audit', 'verify', svc.auditFile], { cwd: dir });
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/ok, 2 records, head [0-9a-f]{64}/);
      const edited = readFileSync(svc.auditFile, 'utf8').replace('"decision":"deny"', '"decision":"allow"');
      writeFileSync(join(dir, 'edited.log'), edited);
      const bad = await runGitseal(['audit', 'verify', 'edited.log'], { cwd: dir });
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain('line 2');
    } finally {
      await svc.close();
    }
  });
});
