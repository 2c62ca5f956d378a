/**
 * Org key lifecycle through the rewrap service (issue 5): rotate makes a new
 * active kid while the old one still decrypts; updatekeys moves a file to the
 * new kid changing only the recipient lines and the MAC; revoke refuses a
 * kid; destroy erases its sealed private half; only admins may do any of it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGitseal } from './helpers/cli.js';
import { readAudit, startTestService, type TestService } from './helpers/rewrap-service.js';

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: payments
stringData:
  password: hunter2-lifecycle
  user: app
`;

const POLICY = `gitseal-policy: 1
rules:
  - name: admins
    subjects: ["dev:admin"]
    operations: [keys.rotate, keys.revoke, keys.destroy]
  - name: readers
    subjects: ["dev:alice", "dev:admin"]
    scopes: ["payments/*"]
    operations: [rewrap]
`;

/** Lines that differ between two texts of the same length in lines (what git diff --numstat counts for in-place edits). */
const changedLines = (a: string, b: string): string[] => {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return y.filter((line, i) => line !== x[i]);
};

describe('org key lifecycle', () => {
  let svc: TestService;
  let dir: string;
  const run = (args: string[], who: string) => runGitseal(args, { cwd: dir, env: svc.envFor(who) });

  beforeAll(async () => {
    svc = await startTestService({ developers: ['admin', 'alice'], policy: POLICY });
    dir = mkdtempSync(join(tmpdir(), 'gitseal-life-'));
    expect((await run(['init', '-r', svc.recipient], 'alice')).status).toBe(0);
    writeFileSync(join(dir, 'db.yaml'), SECRET);
    expect((await run(['encrypt', '-i', 'db.yaml'], 'alice')).status).toBe(0);
    cpSync(join(dir, 'db.yaml'), join(dir, 'old.yaml'));
  });

  afterAll(async () => {
    await svc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses key operations to a non-admin and audits it', async () => {
    const r = await run(['keys', 'rotate'], 'alice');
    expect(r.status).toBe(62);
    expect(readAudit(svc)).toContainEqual(expect.objectContaining({ subject: 'dev:alice', operation: 'keys.rotate', decision: 'deny' }));
  });

  let newRecipient = '';
  let newKid = '';

  it('rotates: a new active kid, the old one retired and still decrypting', async () => {
    const r = await run(['keys', 'rotate'], 'admin');
    expect(r.status).toBe(0);
    [, newRecipient = ''] = r.stdout.trim().split('\n');
    newKid = /new active key (\S+)/.exec(r.stdout)![1]!;
    expect(newKid).not.toBe(svc.kid);
    const list = await run(['keys', 'list', '--json'], 'alice');
    const keys = JSON.parse(list.stdout) as { kid: string; state: string }[];
    expect(keys).toEqual(expect.arrayContaining([expect.objectContaining({ kid: svc.kid, state: 'retired' }), expect.objectContaining({ kid: newKid, state: 'active' })]));
    const d = await run(['decrypt', 'db.yaml'], 'alice');
    expect(d.stdout).toBe(SECRET);
  });

  it('updatekeys moves the file to the new kid; dropping the old one gives the document a new data key, and it says so', async () => {
    expect((await run(['init', '--force', '-r', newRecipient], 'admin')).status).toBe(0);
    const before = readFileSync(join(dir, 'db.yaml'), 'utf8');
    const u = await run(['updatekeys', 'db.yaml'], 'alice');
    expect(u.status).toBe(0);
    const after = readFileSync(join(dir, 'db.yaml'), 'utf8');
    expect(after).toContain(newKid);
    expect(after).not.toContain(svc.kid);
    // A new DEK: whoever kept the old one (or the old org key) opens nothing written from now on.
    const changed = changedLines(before, after);
    expect(changed.some((l) => /^\s*t\.[\w-]+: v1\./.test(l))).toBe(true);
    expect(before.match(/^    id: \S+$/m)?.[0]).toBeDefined();
    expect(before.match(/^    id: \S+$/m)?.[0]).toBe(after.match(/^    id: \S+$/m)?.[0]);
    expect(u.stderr).toContain('new data key for 1 of 1 document(s), since a recipient');
    expect((await run(['decrypt', 'db.yaml'], 'alice')).stdout).toBe(SECRET);
  });

  it('revokes the old kid: files still on it are refused, moved files are not', async () => {
    const active = await run(['keys', 'revoke', newKid], 'admin');
    expect(active.status).not.toBe(0);
    expect(active.stderr).toContain('rotate first');
    expect((await run(['keys', 'revoke', svc.kid], 'admin')).status).toBe(0);
    const old = await run(['decrypt', 'old.yaml'], 'alice');
    expect(old.status).toBe(65);
    expect(old.stderr).toContain('revoked');
    expect((await run(['decrypt', 'db.yaml'], 'alice')).status).toBe(0);
  });

  it('destroys the old kid: its sealed private half is gone from the key file', async () => {
    const keyFile = join(svc.dir, 'org-keys.yaml');
    expect((await run(['keys', 'destroy', svc.kid], 'admin')).status).toBe(0);
    const text = readFileSync(keyFile, 'utf8');
    const entry = text.slice(text.indexOf(`kid: ${svc.kid}`), text.indexOf(`kid: ${newKid}`));
    expect(entry).toContain('state: destroyed');
    expect(entry).not.toContain('sealed:');
    expect((await run(['decrypt', 'old.yaml'], 'alice')).status).toBe(65);
    expect((await run(['keys', 'destroy', svc.kid], 'admin')).status).not.toBe(0);
  });
});
