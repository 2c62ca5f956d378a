/**
 * `gitseal verify --all` on real git repositories: files a creation rule
 * matches must be encrypted, every encrypted file must verify (scope,
 * recipients, MAC), files that only mention gitseal are left alone, and no
 * message ever quotes a value.
 */
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { FIVE_VALUE_SECRET, GENERIC_YAML, MULTI, SECRET } from './helpers/fixtures.js';
import { commitAll, initRepo } from './helpers/git.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

interface RepoReport {
  ok: boolean;
  summary: { tracked: number; checked: number; unencrypted: number; failed: number };
  files: Array<{ file: string; ok: boolean; problems: Array<{ code: string; message: string }>; documents: Array<{ mac: string; problems: Array<{ code: string; message: string }> }> }>;
}

/** Every plaintext value of the fixtures that must never reach verify's output. */
const SECRET_VALUES = ['hunter2-original', 'tok-aaaaaaaaaaaa', 'correct horse battery staple', 'payments_app', 's3cr3t-t0k3n', 'first value'];
const expectNoValues = (text: string) => {
  for (const v of SECRET_VALUES) expect(text).not.toContain(v);
};

/**
 * A repository (folder `repo` of a workspace, so the keystore stays outside
 * it) with .gitseal.yaml, an encrypted Secret under apps/, encrypted generic
 * values, a plain ConfigMap, and a JSON file that mentions gitseal's markers
 * without being gitseal output.
 */
async function repo(): Promise<{ ws: Workspace; dir: string; run: (args: string[], cwd?: string) => ReturnType<Workspace['run']> }> {
  const ws = await newWorkspace();
  const dir = ws.path('repo');
  ws.write('repo/.gitseal.yaml', ws.read('.gitseal.yaml'));
  ws.write('plain/app-secret.yaml', FIVE_VALUE_SECRET);
  ws.write('plain/values.yaml', GENERIC_YAML);
  ws.write('repo/README.md', '# apps\n');
  mkdirSync(ws.path('repo', 'apps'));
  initRepo(dir);
  const run = (args: string[], cwd = dir) => ws.run(args, { cwd });
  for (const [from, to] of [
    ['../plain/app-secret.yaml', 'apps/app-secret.enc.yaml'],
    ['../plain/values.yaml', 'values.enc.yaml'],
  ] as const) {
    const r = await run(['encrypt', from, '-o', to]);
    expect(r.status, describeRun(['encrypt', from], r)).toBe(0);
  }
  ws.write('repo/configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n');
  ws.write('repo/docs/format.json', JSON.stringify({ description: 'apiVersion gitseal.dev/v1 with an envelope', properties: { gitseal: { envelope: {} } } }));
  commitAll(dir, 'initial');
  return { ws, dir, run };
}

describe.concurrent('verify --all', () => {
  it('an all-encrypted repository: each encrypted file reported, a summary line, status 0', async () => {
    const { run } = await repo();
    const r = await run(['verify', '--all']);
    expect(r.status, describeRun(['verify', '--all'], r)).toBe(0);
    expect(r.stdout).toBe(
      'apps/app-secret.enc.yaml#1 prod/app (10 values, scope strict, MAC ok), unsigned: ok\n' +
        'values.enc.yaml#1 generic (15 values, scope cluster, MAC ok), unsigned: ok\n' +
        '2 of 6 tracked files checked: all ok\n',
    );
    const report = JSON.parse((await run(['verify', '--repo', '--json', '--without-key'])).stdout) as RepoReport;
    expect(report.ok).toBe(true);
    expect(report.summary).toEqual({ tracked: 6, checked: 2, unencrypted: 0, failed: 0, config: 0 });
    expect(report.files.map((f) => [f.file, f.documents[0]!.mac])).toEqual([
      ['apps/app-secret.enc.yaml', 'unchecked'],
      ['values.enc.yaml', 'unchecked'],
    ]);
  });

  it('a committed plaintext Secret a creation rule matches fails by name, without its values; encrypting it fixes the run', async () => {
    const { ws, dir, run } = await repo();
    ws.write('repo/apps/db-secret.yaml', SECRET);
    ws.write('repo/apps/notes.txt', 'password: "correct horse battery staple"\n'); // not YAML by name, matched by no rule
    commitAll(dir, 'oops');
    const r = await run(['verify', '--all']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('apps/db-secret.yaml: FAIL not encrypted, but a creation rule in .gitseal.yaml matches it: run "gitseal encrypt -i apps/db-secret.yaml" [E_NOT_ENCRYPTED]');
    expect(r.stdout).toMatch(/^3 of 8 tracked files checked: 1 failed \(1 not encrypted\)$/m);
    expect(r.stdout).not.toContain('notes.txt');
    const json = await run(['verify', '--all', '--json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as RepoReport;
    expect(report.summary).toEqual({ tracked: 8, checked: 3, unencrypted: 1, failed: 1, config: 0 });
    expect(report.files.find((f) => f.file === 'apps/db-secret.yaml')!.problems.map((p) => p.code)).toEqual(['E_NOT_ENCRYPTED']);
    expectNoValues(r.stdout + r.stderr + json.stdout + json.stderr);

    expect((await run(['encrypt', '-i', 'apps/db-secret.yaml'])).status).toBe(0);
    commitAll(dir, 'encrypted');
    const fixed = await run(['verify', '--all']);
    expect(fixed.status, describeRun(['verify', '--all'], fixed)).toBe(0);
    expect(fixed.stdout).toContain('apps/db-secret.yaml#1 payments/db (12 values, scope strict, MAC ok), unsigned: ok');
  });

  it('checks every document: a strict Secret whose namespace was removed fails on scope, the others still reported', async () => {
    const { ws, dir, run } = await repo();
    ws.write('plain/multi.yaml', MULTI);
    expect((await run(['encrypt', '../plain/multi.yaml', '-o', 'multi.enc.yaml'])).status).toBe(0);
    ws.write('repo/multi.enc.yaml', ws.read('repo/multi.enc.yaml').replace(/^ {2}namespace: ns2\n/m, ''));
    commitAll(dir, 'namespace removed');
    const r = await run(['verify', '--all', '--without-key']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('multi.enc.yaml#1 ns1/one (5 values, scope strict, MAC unchecked), unsigned: ok');
    expect(r.stdout).toMatch(/^multi\.enc\.yaml#3 -\/two \(5 values, scope strict, MAC unchecked\): FAIL scope "strict" needs metadata\.namespace.*\[E_SCOPE\]$/m);
    expect(r.stdout).toMatch(/1 failed\n$/);
  });

  it('recipients against .gitseal.yaml: a missing configured recipient and an unconfigured extra one both fail', async () => {
    const { ws, dir, run } = await repo();
    const other = await ws.keygen('other.yaml');
    // Encrypted to the org key and to an extra key nobody configured.
    ws.write('plain/extra-secret.yaml', FIVE_VALUE_SECRET);
    expect((await run(['encrypt', '../plain/extra-secret.yaml', '-r', ws.recipient, '-r', other.recipient, '-o', 'extra-secret.enc.yaml'])).status).toBe(0);
    commitAll(dir, 'extra recipient');
    const extra = await run(['verify', '--all']);
    expect(extra.status).toBe(1);
    expect(extra.stdout).toContain(`extra-secret.enc.yaml#1 prod/app (10 values, scope strict, MAC unchecked), unsigned: FAIL recipient ${other.kid} is not in .gitseal.yaml`);

    // A creation rule for apps/ that requires the other key too: the org-only file misses it.
    ws.write('repo/.gitseal.yaml', ws.read('repo/.gitseal.yaml').replace(/^creation_rules:\n/m, `creation_rules:\n  - path_regex: '^apps/'\n    recipients: [${ws.recipient}, ${other.recipient}]\n`));
    const missing = await run(['verify', '--all', 'apps']);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain(`recipient ${other.kid} required by .gitseal.yaml is missing: run "gitseal updatekeys" [E_RECIPIENT]`);
    expect(missing.stdout).toMatch(/^1 of 1 tracked files checked: 1 failed$/m);
    expect((await run(['updatekeys', 'apps/app-secret.enc.yaml'])).status).toBe(0);
    expect((await run(['verify', '--all', 'apps'])).status).toBe(0);
  });

  it('from a subfolder --all walks the whole repository and paths limit it; outside a repository it is a usage error; a bad config fails once', async () => {
    const { ws, run } = await repo();
    const sub = await run(['verify', '--all'], ws.path('repo', 'apps'));
    expect(sub.status).toBe(0);
    expect(sub.stdout).toContain('values.enc.yaml#1 generic');
    const limited = await run(['verify', '--all', '.'], ws.path('repo', 'apps'));
    expect(limited.stdout).toBe('apps/app-secret.enc.yaml#1 prod/app (10 values, scope strict, MAC ok), unsigned: ok\n1 of 1 tracked files checked: all ok\n');

    const outside = await run(['verify', '--all'], ws.path('plain'));
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('[E_USAGE]');
    const nothing = await run(['verify']);
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toContain('pass --all');

    // An invalid .gitseal.yaml stops the walk once, with its own status, rather than failing every file.
    ws.write('repo/.gitseal.yaml', 'creation_rules: 3\n');
    const badConfig = await run(['verify', '--all']);
    expect(badConfig.status).toBe(22);
    expect(badConfig.stdout).toBe('');
    expect(badConfig.stderr.trim().split('\n')).toEqual([expect.stringContaining('[E_CONFIG]')]);
  });
});

describe.concurrent('rotate --all', () => {
  it('rotates every tracked encrypted file a creation rule matches (limited to the paths given), and no other', async () => {
    const { ws, dir, run } = await repo();
    // The creation rule of `gitseal init` matches names holding "secret".
    expect((await run(['encrypt', '../plain/values.yaml', '-o', 'db-secret.enc.yaml'])).status).toBe(0);
    expect((await run(['encrypt', '../plain/values.yaml', '-o', 'unmatched.yaml'])).status).toBe(0);
    commitAll(dir, 'one more file a rule matches, one it does not');
    const before = { app: ws.read('repo/apps/app-secret.enc.yaml'), db: ws.read('repo/db-secret.enc.yaml'), values: ws.read('repo/values.enc.yaml'), other: ws.read('repo/unmatched.yaml') };

    const limited = await run(['rotate', '--all', 'apps']);
    expect(limited.status, describeRun(['rotate', '--all', 'apps'], limited)).toBe(0);
    expect(limited.stderr).toContain('rotating 1 encrypted file(s) that creation rules match');
    expect(ws.read('repo/apps/app-secret.enc.yaml')).not.toBe(before.app);
    expect(ws.read('repo/db-secret.enc.yaml')).toBe(before.db);

    const all = await run(['rotate', '--all']);
    expect(all.status, describeRun(['rotate', '--all'], all)).toBe(0);
    expect(all.stderr).toContain('rotating 2 encrypted file(s) that creation rules match');
    expect(ws.read('repo/db-secret.enc.yaml')).not.toBe(before.db);
    expect(ws.read('repo/values.enc.yaml')).toBe(before.values);
    expect(ws.read('repo/unmatched.yaml')).toBe(before.other);
    expect((await run(['decrypt', 'apps/app-secret.enc.yaml'])).stdout).toBe(FIVE_VALUE_SECRET);
    expectNoValues(limited.stdout + limited.stderr + all.stdout + all.stderr);
  });
});
