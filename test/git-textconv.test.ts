/**
 * The textconv diff driver on a real repository: `git diff` and `git log -p`
 * name the key that changed, with fingerprints, and never show a value.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitEncrypted, makeRepo, setAndCommit } from './helpers/git-repo.js';
import { useWorkspaces } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

const canary = () => `CANARY-${randomBytes(9).toString('hex')}`;

const secretWith = (password: string, token: string) => `apiVersion: v1
kind: Secret
metadata:
  name: app
  namespace: prod
type: Opaque
stringData:
  username: admin
  password: "${password}"   # rotated quarterly
  api-token: ${token}
  region: eu-west-1
`;

describe('gitseal git textconv', () => {
  it('shows a key holder which key changed, by fingerprint, and no value', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    const [oldPassword, newPassword, token] = [canary(), canary(), canary()];
    await commitEncrypted(repo, 'app-secret.yaml', secretWith(oldPassword, token));
    await setAndCommit(repo, 'app-secret.yaml', 'stringData.password', newPassword);

    const log = repo.ok('log', '-p');
    for (const secret of [oldPassword, newPassword, token]) expect(log).not.toContain(secret);
    expect(log).toMatch(/^\+ {2}password: <fp:[0-9a-f]{16}>   # rotated quarterly$/m);
    for (const out of [repo.ok('diff', 'HEAD~1', '--', 'app-secret.yaml'), repo.ok('show', 'HEAD')]) {
      for (const secret of [oldPassword, newPassword, token]) expect(out).not.toContain(secret);
      const removed = out.split('\n').filter((l) => /^-\s/.test(l));
      const added = out.split('\n').filter((l) => /^\+\s/.test(l));
      expect(removed).toEqual([expect.stringMatching(/^- {2}password: <fp:[0-9a-f]{16}>   # rotated quarterly$/)]);
      expect(added).toEqual([expect.stringMatching(/^\+ {2}password: <fp:[0-9a-f]{16}>   # rotated quarterly$/)]);
      expect(removed[0]).not.toBe(added[0]!.replace(/^\+/, '-'));
    }
    // The same value keeps its fingerprint: username did not change and is context.
    expect(repo.ok('diff', 'HEAD~1', '--', 'app-secret.yaml')).toMatch(/^ {3}username: <fp:[0-9a-f]{16}>$/m);
  });

  it('shows the encrypted text, unchanged, to someone without the key', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    const password = canary();
    await commitEncrypted(repo, 'app-secret.yaml', secretWith(canary(), canary()));
    await setAndCommit(repo, 'app-secret.yaml', 'stringData.password', password);
    const r = repo.git(['diff', 'HEAD~1', '--', 'app-secret.yaml'], { noKey: true });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain(password);
    expect(r.stdout).not.toContain('password');
    expect(r.stdout).not.toContain('<fp:');
    expect(r.stdout).toMatch(/^-\s+t\.[\w-]+: v1\./m);
    expect(r.stdout).toMatch(/^[-+] {4}mac: /m);
  });

  it('passes files gitseal did not encrypt, and files it cannot open, through without failing git diff', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    repo.write('notes-secret.yaml', 'plain: one\n');
    repo.write('broken-secret.yaml', 'not: [valid\n');
    repo.ok('add', '-A');
    repo.ok('commit', '-q', '--no-verify', '-m', 'plain files');
    repo.write('notes-secret.yaml', 'plain: two\n');
    repo.write('broken-secret.yaml', 'still: [broken\n');
    const r = repo.git(['diff']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('-plain: one\n+plain: two');
    expect(r.stdout).toContain('+still: [broken');

    // A tampered encrypted file: shown as it is, with one line on stderr.
    const conv = await repo.gitseal(['git', 'textconv', 'notes-secret.yaml']);
    expect(conv).toMatchObject({ status: 0, stdout: 'plain: two\n' });
    expect((await repo.gitseal(['encrypt', '-', '-o', 'app-secret.yaml'], { input: secretWith(canary(), canary()) })).status).toBe(0);
    const enc = repo.read('app-secret.yaml');
    repo.write('app-secret.yaml', enc.replace(/(mac: )\S/, (_, p: string) => `${p}${enc.includes('mac: A') ? 'B' : 'A'}`));
    const tampered = await repo.gitseal(['git', 'textconv', 'app-secret.yaml']);
    expect(tampered.status).toBe(0);
    expect(tampered.stdout).toBe(repo.read('app-secret.yaml'));
    expect(tampered.stderr.trim().split('\n')).toHaveLength(1);
    expect(tampered.stderr).toMatch(/E_TAMPERED/);
  });
});
