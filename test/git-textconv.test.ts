/**
 * The textconv diff driver on a real repository: `git diff` and `git log -p`
 * name the key that changed, with fingerprints, and never show a value.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitEncrypted, makeRepo, setAndCommit } from './helpers/git-repo.js';
import { makeWriter, trustFile } from './helpers/writers.js';
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
  dsn: |
    postgres://app@db:5432/app
    ?sslmode=require
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
    const diff = repo.ok('diff', 'HEAD~1', '--', 'app-secret.yaml');
    expect(diff).toMatch(/^ {3}username: <fp:[0-9a-f]{16}>$/m);
    // The view has the decrypted file's lines, below one writer line: a block scalar keeps its lines (the next key
    // ran onto its fingerprint, `dsn: <fp:…>api-token:`), and password, line 9 of the plaintext, is line 10.
    expect(diff).toContain('\n@@ -7,7 +7,7 @@');
    expect(diff).toMatch(/^\+ {2}password: .*\n {3}dsn: <fp:[0-9a-f]{16}>\n {5}<fp:\.\.\.>\n {5}<fp:\.\.\.>$/m);
    expect(diff).not.toContain('postgres');
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

  it('puts who signed each document on a line above it: the same line when the writer is the same, a changed line when it is not', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    const alice = makeWriter(w.dir, 'alice');
    const mallory = makeWriter(w.dir, 'mallory');
    const trust = trustFile(w.path('trust.yaml'), [alice]);
    const [one, two, three] = [canary(), canary(), canary()];
    const as = async (writer: typeof alice, args: string[], input: string) => {
      const r = await repo.gitseal(args, { input, env: writer.env });
      expect(r.status, r.stderr).toBe(0);
    };
    await as(alice, ['encrypt', '-', '-o', 'app-secret.yaml'], secretWith(one, canary()));
    repo.ok('add', '-A');
    repo.ok('commit', '-q', '-m', 'alice writes');
    await as(alice, ['set', 'app-secret.yaml', 'stringData.password', '-'], two);
    repo.ok('commit', '-q', '-a', '-m', 'alice again');
    await as(mallory, ['set', 'app-secret.yaml', 'stringData.password', '-'], three);
    repo.ok('commit', '-q', '-a', '-m', 'mallory');

    // Whole files (-U100): the writer line is context when it did not change.
    const same = repo.git(['diff', '-U100', 'HEAD~2', 'HEAD~1', '--', 'app-secret.yaml'], { env: trust });
    expect(same.stdout).toMatch(new RegExp(`^ # gitseal writer: alice \\(${alice.kid}\\)$`, 'm'));
    expect(same.stdout.split('\n').filter((l) => /^[-+]\s/.test(l))).toEqual([expect.stringMatching(/^- {2}password: /), expect.stringMatching(/^\+ {2}password: /)]);
    const changed = repo.git(['diff', 'HEAD~1', 'HEAD', '--', 'app-secret.yaml'], { env: trust });
    expect(changed.stdout).toContain(`\n-# gitseal writer: alice (${alice.kid})\n+# gitseal writer: "mallory" (${mallory.kid}, not trusted)\n`);
    for (const out of [same.stdout, changed.stdout, same.stderr, changed.stderr]) for (const secret of [one, two, three]) expect(out).not.toContain(secret);
  });
});
