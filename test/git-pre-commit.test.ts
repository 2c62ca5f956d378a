/** The pre-commit guard through real `git commit`s: what it refuses, what it lets through. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SECRET } from './helpers/fixtures.js';
import { makeRepo, type Repo } from './helpers/git-repo.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

// Built from parts so this file itself holds no key marker a scanner would flag.
const PEM = ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END', 'RSA PRIVATE KEY-----\n'].join(' ');
const AGE = `# created: 2026-01-01\n${'AGE-SECRET-KEY'}-1${'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'.repeat(2).slice(0, 58)}\n`;
const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n';

async function tryCommit(repo: Repo, name: string, contents: string) {
  repo.write(name, contents);
  repo.ok('add', '--', name);
  const r = repo.git(['commit', '-q', '-m', `add ${name}`]);
  return r;
}

describe('gitseal git pre-commit', () => {
  let shared: Promise<{ w: Workspace; repo: Repo }> | undefined;
  const repoOnce = () =>
    (shared ??= (async () => {
      const w = await newWorkspace();
      const repo = await makeRepo(w);
      repo.ok('add', '-A');
      repo.ok('commit', '-q', '-m', 'gitseal config and attributes pass the guard');
      return { w, repo };
    })());

  const refused: Array<[string, string, () => string | Promise<string>, RegExp]> = [
    ['a plaintext Secret', 'deploy/db.yaml', () => SECRET, /plaintext kind: Secret/],
    ['a plaintext Secret in JSON', 'deploy/db.json', () => JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: {} }), /plaintext kind: Secret/],
    ['a plaintext Secret in a multi-document file', 'deploy/all.yaml', () => `${CONFIGMAP}---\n${SECRET}`, /plaintext kind: Secret \(document 2\)/],
    ['an unencrypted file a creation rule names', 'deploy/app-secret.yaml', () => CONFIGMAP, /creation rule .* must be encrypted/],
    ['a PEM private key', 'certs/server.key', () => PEM, /PEM RSA PRIVATE KEY/],
    ['an age secret key', 'keys.txt', () => AGE, /age secret key/],
    ['a gitseal keystore', 'backup/keys.yaml', async () => readFileSync((await repoOnce()).w.file, 'utf8'), /gitseal keystore/],
  ];

  for (const [what, name, contents, why] of refused) {
    it(`refuses ${what}`, async () => {
      const { repo } = await repoOnce();
      const head = repo.ok('rev-parse', 'HEAD').trim();
      const r = await tryCommit(repo, name, await contents());
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`refusing ${name}:`);
      expect(r.stderr).toMatch(why);
      expect(repo.ok('rev-parse', 'HEAD').trim()).toBe(head);
      repo.ok('rm', '-q', '--cached', '--', name);
    });
  }

  it('lets encrypted files, plain files and Helm templates through', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    repo.write('deploy/cm.yaml', CONFIGMAP);
    expect((await repo.gitseal(['encrypt', '-', '-o', 'deploy/db-secret.yaml'], { input: SECRET })).status).toBe(0);
    repo.write('chart/templates/creds.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  password: {{ .Values.password | quote }}\n');
    repo.write('README.md', 'Private keys and age identities never live here.\n');
    repo.ok('add', '-A');
    const r = repo.git(['commit', '-q', '-m', 'ok']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('reads what is staged, not the work tree', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    repo.write('deploy/db.yaml', SECRET);
    repo.ok('add', '--', 'deploy/db.yaml');
    expect((await repo.gitseal(['encrypt', '-i', 'deploy/db.yaml'])).status).toBe(0);
    const r = repo.git(['commit', '-q', '-m', 'staged plaintext']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refusing deploy\/db\.yaml: it is a plaintext kind: Secret/);
    repo.ok('add', '--', 'deploy/db.yaml');
    expect(repo.git(['commit', '-q', '-m', 'now encrypted']).status).toBe(0);
  });

  it('refuses an encrypted file that still has conflict markers', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    expect((await repo.gitseal(['encrypt', '-', '-o', 'db-secret.yaml'], { input: SECRET })).status).toBe(0);
    const enc = repo.read('db-secret.yaml');
    const line = enc.split('\n').find((l) => /^ {4}t\./.test(l))!;
    const r = await tryCommit(repo, 'db-secret.yaml', enc.replace(line, `<<<<<<< ours\n${line}\n=======\n${line}\n>>>>>>> theirs`));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refusing db-secret\.yaml: it still has merge conflict markers/);
  });
});
