/**
 * `gitseal verify --all --base REV --review`, as the gitseal-review action
 * runs it: the creation rules, recipients and writers of the base commit's
 * `.gitseal.yaml` apply, so a pull request that edits them cannot switch off
 * its own checks, and a plaintext `kind: Secret` fails wherever it is.
 */
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { FIVE_VALUE_SECRET } from './helpers/fixtures.js';
import { commitAll, git, initRepo } from './helpers/git.js';
import { useWorkspaces } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const LEAK = 'plaintext-leak-value';
const plainSecret = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: prod}\nstringData:\n  password: ${LEAK}\n`;

/** A repository whose base has gitseal init's `.gitseal.yaml` (a rule for `*secret*` files) and an encrypted Secret. */
async function repo() {
  const ws = await newWorkspace();
  const dir = ws.path('repo');
  const config = ws.read('.gitseal.yaml');
  ws.write('repo/.gitseal.yaml', config);
  ws.write('plain/app.yaml', FIVE_VALUE_SECRET);
  ws.write('repo/README.md', '# deploy\n');
  mkdirSync(ws.path('repo', 'apps'));
  initRepo(dir);
  const r = await ws.run(['encrypt', '../plain/app.yaml', '-o', 'apps/app-secret.enc.yaml'], { cwd: dir });
  expect(r.status, describeRun(['encrypt'], r)).toBe(0);
  commitAll(dir, 'base');
  const base = git(dir, 'rev-parse', 'HEAD').trim();
  const verify = async (...args: string[]) => {
    const v = await ws.run(['verify', '--all', ...args], { cwd: dir });
    expect(v.stdout + v.stderr).not.toContain(LEAK);
    return v;
  };
  return { ws, dir, config, base, verify };
}

describe.concurrent('verify --review', () => {
  it('a pull request that drops the creation rules and commits a plaintext Secret: passes on its own rules, fails on the base ones', async () => {
    const { ws, dir, config, base, verify } = await repo();
    ws.write('repo/.gitseal.yaml', config.replace(/^creation_rules:[\s\S]*$/m, 'creation_rules: []\n'));
    ws.write('repo/apps/cache-secret.yaml', plainSecret('cache'));
    commitAll(dir, 'no more rules');

    const own = await verify('--base', base);
    expect(own.status, describeRun(['verify'], own)).toBe(0); // the hole: the work tree's rules match nothing

    const r = await verify('--base', base, '--review');
    expect(r.status, describeRun(['verify', '--review'], r)).toBe(1);
    expect(r.stdout).toContain('apps/cache-secret.yaml: FAIL not encrypted, but a creation rule in .gitseal.yaml at the base matches it');
    expect(r.stdout).toMatch(/apps\/app-secret\.enc\.yaml#1 prod\/app .*: ok/);
  });

  it('a plaintext kind: Secret no rule matches fails under --review only; other plaintext passes', async () => {
    const { ws, dir, base, verify } = await repo();
    ws.write('repo/deploy/db.yaml', plainSecret('db'));
    ws.write('repo/deploy/db.json', JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db2' }, stringData: { password: LEAK } }));
    ws.write('repo/deploy/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {kind: Secret}\n');
    ws.write('repo/docs/notes.md', 'kind: Secret\n');
    commitAll(dir, 'plaintext in deploy/');

    expect((await verify('--base', base)).status).toBe(0);
    const r = await verify('--base', base, '--review');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('deploy/db.yaml: FAIL not encrypted, but it holds a kind: Secret');
    expect(r.stdout).toContain('deploy/db.json: FAIL not encrypted, but it holds a kind: Secret');
    expect(r.stdout).not.toContain('cm.yaml');
    expect(r.stdout).not.toContain('notes.md');
    expect(r.stdout).toMatch(/2 failed \(2 not encrypted\)/);
  });

  it('recipients come from the base: a file sealed only to a key the pull request added to .gitseal.yaml fails', async () => {
    const { ws, dir, config, base, verify } = await repo();
    const other = await newWorkspace({ freshKey: true });
    ws.write('repo/.gitseal.yaml', config.replace(/^recipients:\n {2}- \S+$/m, `recipients:\n  - ${other.recipient}`));
    const r = await ws.run(['encrypt', '-', '-o', 'apps/new-secret.enc.yaml'], { cwd: dir, input: plainSecret('new') });
    expect(r.status, describeRun(['encrypt'], r)).toBe(0);
    commitAll(dir, 'a recipient of my own');

    const v = await verify('--base', base, '--review', 'apps/new-secret.enc.yaml');
    expect(v.status).toBe(1);
    expect(v.stdout).toContain(`recipient ${ws.kid} required by .gitseal.yaml is missing`);
    expect(v.stdout).toContain(`recipient ${other.kid} is not in .gitseal.yaml`);
  });

  it('recipient files come from the base too: a pull request that swaps keys/org.pub for its own key fails', async () => {
    const { ws, dir, config, verify } = await repo();
    ws.write('repo/keys/org.pub', `# the org key\n${ws.recipient}\n`);
    ws.write('repo/.gitseal.yaml', config.replace(/^recipients:\n {2}- \S+$/m, 'recipients:\n  - {file: keys/org.pub}'));
    commitAll(dir, 'recipients in a file');
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    expect((await verify('--base', base, '--review')).status).toBe(0); // the base's file is read as the base has it

    const other = await newWorkspace({ freshKey: true });
    ws.write('repo/keys/org.pub', `${other.recipient}\n`);
    const r = await ws.run(['encrypt', '-', '-o', 'apps/new-secret.enc.yaml'], { cwd: dir, input: plainSecret('new') });
    expect(r.status, describeRun(['encrypt'], r)).toBe(0);
    commitAll(dir, 'a recipient of my own, in the file');

    expect((await verify('--base', base, 'apps/new-secret.enc.yaml')).status).toBe(0); // the work tree's file agrees with itself
    const v = await verify('--base', base, '--review', 'apps/new-secret.enc.yaml');
    expect(v.status).toBe(1);
    expect(v.stdout).toContain(`recipient ${ws.kid} required by .gitseal.yaml is missing`);
  });

  it('--review needs --all and --base: a usage error otherwise', async () => {
    const { ws, dir, verify } = await repo();
    expect((await verify('--review')).status).toBe(2);
    expect((await ws.run(['verify', '--base', 'HEAD', '--review', 'apps/app-secret.enc.yaml'], { cwd: dir })).status).toBe(2);
  });
});
