/**
 * `gitseal diff --git` on a real repository: several changed files between
 * two commits (modified, added, deleted, decrypted by mistake, binary, not
 * gitseal's), the work tree, path limits, renames, a damaged blob, and refs
 * that do not exist.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, type RunResult } from './helpers/cli.js';
import { commitAll, git, initRepo } from './helpers/git.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const marker = randomBytes(8).toString('hex');
const secret = (name: string, key: string, value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: prod\nstringData:\n  ${key}-${marker}: value-${marker}-${value}\n  password: pw-${marker}-${value}\n`;
const GENERIC = `replicas: 3\napi:\n  token-${marker}: tok-${marker}\n`;

let ws: Workspace;
let dir: string;
const c = { base: '', head: '', broken: '' };

async function gitseal(args: string[], input?: string): Promise<RunResult> {
  const r = await ws.run(args, { cwd: dir, ...(input === undefined ? {} : { input }) });
  expect(r.status, describeRun(args, r)).toBe(0);
  return r;
}
const diff = (args: string[], env: Record<string, string> = {}) => ws.run(['diff', ...args], { cwd: dir, env });
const noKey = () => ({ XDG_CONFIG_HOME: ws.path('no-config') });
const expectNoCanary = (r: RunResult) => expect(r.stdout + r.stderr).not.toContain(marker);

beforeAll(async () => {
  ws = await newWorkspace();
  dir = ws.path('repo');
  mkdirSync(ws.path('repo', 'apps'), { recursive: true });
  ws.write('repo/.gitseal.yaml', ws.read('.gitseal.yaml'));
  ws.write('repo/README.md', '# deploy\n');
  ws.write('plain/db.yaml', secret('db', 'user', 'one'));
  ws.write('plain/old.yaml', secret('old', 'user', 'old'));
  ws.write('plain/leak.yaml', secret('leak', 'user', 'leak'));
  ws.write('plain/cfg.yaml', GENERIC);
  ws.write('plain/new.yaml', secret('new', 'user', 'new'));
  initRepo(dir);
  for (const f of ['db', 'old', 'leak', 'cfg']) await gitseal(['encrypt', `../plain/${f}.yaml`, '-o', `apps/${f}.enc.yaml`]);
  commitAll(dir, 'base');
  c.base = git(dir, 'rev-parse', 'HEAD').trim();

  await gitseal(['set', 'apps/db.enc.yaml', 'stringData.password', '-'], `pw-${marker}-two`);
  await gitseal(['set', 'apps/cfg.enc.yaml', `api.extra-${marker}`, `x-${marker}`]);
  rmSync(ws.path('repo/apps/old.enc.yaml'));
  await gitseal(['encrypt', '../plain/new.yaml', '-o', 'apps/new.enc.yaml']);
  await gitseal(['decrypt', 'apps/leak.enc.yaml', '-o', 'apps/leak.enc.yaml.tmp']);
  ws.write('repo/apps/leak.enc.yaml', ws.read('repo/apps/leak.enc.yaml.tmp'));
  rmSync(ws.path('repo/apps/leak.enc.yaml.tmp'));
  ws.write('repo/README.md', '# deploy\n\nmore\n');
  ws.write('repo/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
  commitAll(dir, 'head');
  c.head = git(dir, 'rev-parse', 'HEAD').trim();

  await gitseal(['set', 'apps/db.enc.yaml', 'stringData.password', '-'], `pw-${marker}-three`);
  ws.write('repo/apps/new.enc.yaml', ws.read('repo/apps/new.enc.yaml').slice(0, 250));
  commitAll(dir, 'broken');
  c.broken = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'checkout', '-q', c.head);
});

const EXPECTED_WITHOUT_KEY = [
  'apps/cfg.enc.yaml',
  '  document 1: 0 values changed, 1 added, 0 removed, recipients unchanged; unsigned',
  'apps/db.enc.yaml',
  '  prod/db: 1 value changed, 0 added, 0 removed, recipients unchanged; unsigned',
  'apps/leak.enc.yaml: encrypted on one side only (the new version is NOT encrypted)',
  '  prod/leak: document removed, 6 values; unsigned',
  'apps/new.enc.yaml: new encrypted file',
  '  prod/new: document added, 6 values; unsigned',
  'apps/old.enc.yaml: deleted',
  '  prod/old: document removed, 6 values; unsigned',
  'logo.png: binary file, skipped',
  '',
].join('\n');

describe('gitseal diff --git BASE HEAD', () => {
  it('without a key: every encrypted file changed, by token, no name or value; README not listed', async () => {
    for (const [args, env] of [
      [['--without-key'], {}],
      [[], noKey()],
    ] as const) {
      const r = await diff(['--git', c.base, c.head, ...args], env);
      expect(r.stdout).toBe(EXPECTED_WITHOUT_KEY);
      expect(r.status).toBe(1);
      expectNoCanary(r);
    }
  });

  it('with the key: key paths and fingerprints, never a value', async () => {
    const r = await diff(['--git', c.base, c.head]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {4}~ stringData\.password {2}fp:[0-9a-f]{16} → fp:[0-9a-f]{16}$/m);
    expect(r.stdout).toMatch(new RegExp(`^ {4}\\+ api\\.extra-${marker} {2}fp:[0-9a-f]{16}$`, 'm'));
    expect(r.stdout).not.toMatch(/value-|pw-|tok-|x-[0-9a-f]/);
    expect(r.stderr).toBe('');
  });

  it('--json lists each file with its status', async () => {
    const r = await diff(['--git', c.base, c.head, '--json', '--without-key']);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ differences: true, base: c.base, head: c.head });
    expect(report.files.map((f: { path: string; status: string }) => [f.path, f.status])).toEqual([
      ['apps/cfg.enc.yaml', 'modified'],
      ['apps/db.enc.yaml', 'modified'],
      ['apps/leak.enc.yaml', 'encrypted-one-side'],
      ['apps/new.enc.yaml', 'added'],
      ['apps/old.enc.yaml', 'deleted'],
      ['logo.png', 'skipped'],
    ]);
    expectNoCanary(r);
  });

  it('HEAD defaults to the work tree; paths limit the files; --git REF FILE compares one file', async () => {
    const same = await diff(['--git', c.base, '--without-key']);
    expect(same.stdout).toBe(EXPECTED_WITHOUT_KEY);
    const one = await diff(['--git', c.base, c.head, 'apps/db.enc.yaml', '--without-key']);
    expect(one.stdout).toBe('apps/db.enc.yaml\n  prod/db: 1 value changed, 0 added, 0 removed, recipients unchanged; unsigned\n');
    const backup = ws.read('repo/apps/db.enc.yaml');
    try {
      await gitseal(['set', 'apps/db.enc.yaml', 'stringData.extra', 'e']);
      const r = await diff(['--git', 'HEAD', 'apps/db.enc.yaml']);
      expect(r.stdout).toMatch(/^apps\/db\.enc\.yaml\n {2}prod\/db: 0 values changed, 1 added, 0 removed, recipients unchanged; unsigned\n {4}\+ stringData\.extra {2}fp:[0-9a-f]{16}\n$/);
      expect(r.status).toBe(1);
    } finally {
      ws.write('repo/apps/db.enc.yaml', backup);
    }
    const nothing = await diff(['--git', 'HEAD', 'apps/db.enc.yaml']);
    expect([nothing.status, nothing.stdout]).toEqual([0, '']);
  });

  it('BASE..HEAD names both commits and BASE...HEAD the merge base, as git diff reads them; an empty side is HEAD', async () => {
    const two = await diff(['--git', `${c.base}..${c.head}`, '--without-key']);
    expect([two.status, two.stdout]).toEqual([1, EXPECTED_WITHOUT_KEY]);
    const openEnded = JSON.parse((await diff(['--git', `${c.base}..`, '--json', '--without-key'])).stdout);
    expect(openEnded).toMatchObject({ base: c.base, head: c.head });
    const one = await diff(['--git', `${c.base}..${c.head}`, 'apps/db.enc.yaml', '--without-key']);
    expect(one.stdout).toBe('apps/db.enc.yaml\n  prod/db: 1 value changed, 0 added, 0 removed, recipients unchanged; unsigned\n');
    // broken is a child of head: from broken's side, the merge base with base is base itself.
    const three = JSON.parse((await diff(['--git', `${c.broken}...${c.base}`, '--json', '--without-key'])).stdout);
    expect(three).toMatchObject({ differences: false, base: c.base, head: c.base, files: [] });
    const bad = await diff(['--git', `${c.base}..no-such-ref`]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"no-such-ref" is not a commit in this repository');
  });

  it('no change: status 0 and nothing printed; a rename is named', async () => {
    expect(await diff(['--git', c.head, c.head])).toMatchObject({ status: 0, stdout: '' });
    git(dir, 'mv', 'apps/db.enc.yaml', 'apps/db2.enc.yaml');
    try {
      const r = await diff(['--git', 'HEAD']);
      expect(r.stdout).toBe('apps/db.enc.yaml → apps/db2.enc.yaml: renamed, no change to the encrypted content\n');
      expect(r.status).toBe(0);
    } finally {
      git(dir, 'mv', 'apps/db2.enc.yaml', 'apps/db.enc.yaml');
    }
  });

  it('a damaged blob: its error code and the file named on stderr, the other files still reported', async () => {
    const r = await diff(['--git', c.head, c.broken, '--without-key']);
    expect(r.status).toBe(17);
    expect(r.stderr).toMatch(/^gitseal: apps\/new\.enc\.yaml \(new version\): .* \[E_FORMAT\]\n$/);
    expect(r.stdout).toBe('apps/db.enc.yaml\n  prod/db: 1 value changed, 0 added, 0 removed, recipients unchanged; unsigned\n');
    expectNoCanary(r);
  });

  it('refs that do not exist, paths found nowhere, and no repository: E_USAGE (status 2)', async () => {
    const missing = await diff(['--git', 'no-such-ref']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('"no-such-ref" is not a commit in this repository');
    const head = await diff(['--git', c.base, 'no-such-head']);
    expect(head.status).toBe(2);
    expect(head.stderr).toContain('"no-such-head" is neither a commit nor a file');
    expect((await diff(['--git', '--', c.base])).status).toBe(2);
    const outside = await ws.run(['diff', '--git', 'HEAD'], { cwd: ws.path('plain') });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('--git needs a git work tree');
  });
});
