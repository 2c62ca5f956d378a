/**
 * The gitseal-review action's script (.github/actions/gitseal-review/review.mjs)
 * on a real repository: a base commit with an encrypted Secret, a head that
 * changes it and adds another, and a later head that also commits a
 * plaintext Secret a creation rule matches. The job summary and outputs go
 * to temporary files, as on a runner.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, describeRun, gitsealCli, ROOT } from './helpers/cli.js';
import { FIVE_VALUE_SECRET, SECRET } from './helpers/fixtures.js';
import { commitAll, git, initRepo } from './helpers/git.js';
import { makeWriter, trustFile, withWriters, type TestWriter } from './helpers/writers.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const SCRIPT = join(ROOT, '.github', 'actions', 'gitseal-review', 'review.mjs');
/** Values of the fixtures, old and new: none may reach the summary or the log. */
const VALUES = ['hunter2-original', 'hunter2-rotated', 'tok-aaaaaaaaaaaa', 'correct horse battery staple', 'plaintext-leak-value'];

interface Review {
  status: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  runnerTemp: string;
}

let ws: Workspace;
let dir: string;
const commits = { base: '', head: '', leaky: '', attributes: '', loosened: '' };

beforeAll(async () => {
  ws = await newWorkspace();
  dir = ws.path('repo');
  ws.write('repo/.gitseal.yaml', ws.read('.gitseal.yaml'));
  ws.write('repo/README.md', '# deploy\n');
  ws.write('plain/app.yaml', FIVE_VALUE_SECRET);
  ws.write('plain/db.yaml', SECRET);
  mkdirSync(join(dir, 'apps'));
  initRepo(dir);
  const gitseal = async (args: string[], input?: string) => {
    const r = await ws.run(args, { cwd: dir, ...(input === undefined ? {} : { input }) });
    expect(r.status, describeRun(args, r)).toBe(0);
  };
  await gitseal(['encrypt', '../plain/app.yaml', '-o', 'apps/app-secret.enc.yaml']);
  commitAll(dir, 'base');
  commits.base = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'branch', 'release', commits.base);

  await gitseal(['set', 'apps/app-secret.enc.yaml', 'stringData.password', '-'], 'hunter2-rotated');
  await gitseal(['encrypt', '../plain/db.yaml', '-o', 'apps/db-secret.enc.yaml']);
  commitAll(dir, 'rotate the app password; add the db Secret');
  commits.head = git(dir, 'rev-parse', 'HEAD').trim();

  ws.write('repo/apps/cache-secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: cache, namespace: prod}\nstringData:\n  password: plaintext-leak-value\n');
  commitAll(dir, 'a plaintext Secret by mistake');
  commits.leaky = git(dir, 'rev-parse', 'HEAD').trim();

  // Two pull requests on top of head: one that only adds a .gitattributes, one that drops the creation rules to commit plaintext.
  git(dir, 'checkout', '-q', '--detach', commits.head);
  ws.write('repo/.gitattributes', '*.yaml -diff\n');
  commitAll(dir, 'attributes');
  commits.attributes = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'checkout', '-q', '--detach', commits.head);
  ws.write('repo/.gitseal.yaml', ws.read('.gitseal.yaml').replace(/^creation_rules:[\s\S]*$/m, 'creation_rules: []\n'));
  ws.write('repo/apps/cache-secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: cache, namespace: prod}\nstringData:\n  password: plaintext-leak-value\n');
  commitAll(dir, 'no more creation rules');
  commits.loosened = git(dir, 'rev-parse', 'HEAD').trim();
});

/** Checks out `commit` and runs the script there (in `repo`, the main fixture by default) with a runner-like environment. */
function review(commit: string, env: Record<string, string>, args: string[] = [], repo = dir): Promise<Review> {
  git(repo, 'checkout', '-q', '--detach', commit);
  const scratch = mkdtempSync(join(ws.dir, 'runner-'));
  const files = { summary: join(scratch, 'summary.md'), output: join(scratch, 'output'), temp: join(scratch, 'temp') };
  mkdirSync(files.temp);
  writeFileSync(files.summary, '');
  writeFileSync(files.output, '');
  const fullEnv = { ...baseEnv(ws.dir), GITHUB_STEP_SUMMARY: files.summary, GITHUB_OUTPUT: files.output, RUNNER_TEMP: files.temp, ...env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { cwd: repo, env: fullEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const outputs = Object.fromEntries(
        readFileSync(files.output, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('=', 2) as [string, string]),
      );
      resolve({ status, stdout, stderr, summary: readFileSync(files.summary, 'utf8'), outputs, runnerTemp: files.temp });
    });
  });
}

const command = () => `node ${gitsealCli()}`;
/** verify's stderr, which the summary's block shows after its report: these fixtures are written without a writer key. */
const UNSIGNED_WARNING = (n: number) =>
  `gitseal: warning: ${n} documents are unsigned or signed by a writer you do not trust; anyone with the public recipient can write such a document, and requireSignatures: true refuses it`;
const expectNoValues = (r: Review) => {
  for (const v of VALUES) expect(r.summary + r.stdout + r.stderr).not.toContain(v);
};
/** The body of the fenced block that follows `heading` in the summary. */
const blockAfter = (summary: string, heading: string): string => {
  const m = new RegExp(`${heading.replace(/[*()]/g, '\\$&')}[^\\n]*\\n\\n(\`{3,})text\\n([\\s\\S]*?)\\n\\1\\n`).exec(summary);
  if (!m) throw new Error(`no fenced block after ${heading} in:\n${summary}`);
  return m[2]!;
};

describe('gitseal-review action script', () => {
  it('a clean pull request: verify passes on the changed files, the diff of both Secrets is in the summary, status 0', async () => {
    const r = await review(commits.head, { GITSEAL_REVIEW_BASE: commits.base, GITSEAL_REVIEW_COMMAND: command() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.summary).toMatch(/^## gitseal review\n/);
    expect(r.summary).toContain('**verify** (2 changed files): passed');
    expect(blockAfter(r.summary, '**verify**')).toBe(
      'apps/app-secret.enc.yaml#1 prod/app (10 values, scope strict, MAC unchecked), unsigned: ok\n' +
        'apps/db-secret.enc.yaml#1 payments/db (12 values, scope strict, MAC unchecked), unsigned: ok\n' +
        '2 of 2 tracked files checked: all ok\n' +
        UNSIGNED_WARNING(2),
    );
    expect(r.summary).toContain(`**gitseal diff** \`${commits.base.slice(0, 12)}..${commits.head.slice(0, 12)}\`: changes below (values are never shown)`);
    const diff = blockAfter(r.summary, '**gitseal diff**');
    expect(diff).toContain('apps/app-secret.enc.yaml');
    expect(diff).toContain('apps/db-secret.enc.yaml');
    expect(diff).not.toContain('stringData.password'); // without the key, key names stay hidden too
    expect(r.outputs).toEqual({ verify: 'passed', differences: 'true', 'writers-changed': 'false', 'config-changed': 'false' });
    expect(r.stdout).toBe(r.summary); // the job log shows the same report
    expectNoValues(r);
  });

  it('a plaintext Secret a creation rule matches: verify fails and names the file only, the diff is still shown, status 1', async () => {
    // Base from GITHUB_BASE_REF, as on a pull_request run (no origin here, so the local branch).
    const r = await review(commits.leaky, { GITHUB_BASE_REF: 'release', GITSEAL_REVIEW_COMMAND: command() });
    expect(r.status, r.stderr).toBe(1);
    expect(r.summary).toContain('**verify** (3 changed files): failed');
    const verify = blockAfter(r.summary, '**verify**');
    expect(verify).toContain('apps/cache-secret.yaml: FAIL not encrypted, but a creation rule in .gitseal.yaml at the base matches it');
    expect(verify).toMatch(/3 of 3 tracked files checked: 1 failed \(1 not encrypted\)\ngitseal: warning: 2 documents are unsigned/);
    expect(blockAfter(r.summary, '**gitseal diff**')).toContain('apps/db-secret.enc.yaml');
    expect(r.outputs).toEqual({ verify: 'failed', differences: 'true', 'writers-changed': 'false', 'config-changed': 'false' });
    expectNoValues(r);
  });

  it('with the key as input: MACs are checked, the diff names keys, the key file is gone afterwards and never printed; options as arguments', async () => {
    const key = readFileSync(ws.file, 'utf8');
    const r = await review(commits.head, { GITSEAL_REVIEW_KEY: key }, ['--base', commits.base, '--head', 'HEAD', '--gitseal', command()]);
    expect(r.status, r.stderr).toBe(0);
    expect(blockAfter(r.summary, '**verify**')).toContain('apps/app-secret.enc.yaml#1 prod/app (10 values, scope strict, MAC ok), unsigned: ok');
    expect(blockAfter(r.summary, '**gitseal diff**')).toMatch(/^ +~ stringData\.password +fp:[0-9a-f]{16} → fp:[0-9a-f]{16}$/m); // names and keyed fingerprints, no value
    expect(readdirSync(r.runnerTemp)).toEqual([]);
    for (const line of key.split('\n').filter((l) => l.length > 40)) expect(r.summary + r.stdout + r.stderr).not.toContain(line.trim());
    expectNoValues(r);
  });

  it('nothing changed: verify skipped, no differences, status 0', async () => {
    const r = await review(commits.head, { GITSEAL_REVIEW_BASE: commits.head, GITSEAL_REVIEW_COMMAND: command() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.summary).toContain('**verify** (0 changed files): skipped (no changed files)');
    expect(r.summary).toContain('no changes to encrypted files');
    expect(r.outputs).toEqual({ verify: 'skipped', differences: 'false', 'writers-changed': 'false', 'config-changed': 'false' });
  });

  it('--all verifies the whole repository; a base that is not there, or none, cannot run: status 2 with the reason in the summary', async () => {
    const all = await review(commits.leaky, { GITSEAL_REVIEW_BASE: commits.head, GITSEAL_REVIEW_COMMAND: command(), GITSEAL_REVIEW_ALL: 'true' });
    expect(all.status).toBe(1);
    expect(all.summary).toContain('**verify** (every tracked file): failed');
    expect(blockAfter(all.summary, '**verify**')).toMatch(/3 of 5 tracked files checked: 1 failed/);

    const missing = await review(commits.head, { GITSEAL_REVIEW_BASE: 'no-such-ref', GITSEAL_REVIEW_COMMAND: command() });
    expect(missing.status).toBe(2);
    expect(missing.summary).toContain('**could not run**: no-such-ref is not a commit here: check out with fetch-depth: 0');
    const none = await review(commits.head, { GITSEAL_REVIEW_COMMAND: command() });
    expect(none.status).toBe(2);
    expect(none.summary).toContain('no base to compare with');
  });
});

describe('gitseal-review action script: the review configuration', () => {
  it('a pull request that changes .gitattributes is flagged and fails, unless allow-config-change', async () => {
    const r = await review(commits.attributes, { GITSEAL_REVIEW_BASE: commits.head, GITSEAL_REVIEW_COMMAND: command() });
    expect(r.status, r.stderr).toBe(1);
    expect(r.summary).toContain("**⚠ review configuration changed**: `.gitattributes`. The checks below use the base's .gitseal.yaml; this fails the review until a maintainer allows it");
    expect(r.outputs).toEqual({ verify: 'passed', differences: 'false', 'writers-changed': 'false', 'config-changed': 'true' });

    const allowed = await review(commits.attributes, { GITSEAL_REVIEW_BASE: commits.head, GITSEAL_REVIEW_COMMAND: command(), GITSEAL_REVIEW_ALLOW_CONFIG_CHANGE: 'true' });
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(allowed.summary).toContain('allowed for this run (allow-config-change)');
    const asArgument = await review(commits.attributes, { GITSEAL_REVIEW_BASE: commits.head, GITSEAL_REVIEW_COMMAND: command() }, ['--allow-config-change']);
    expect(asArgument.status).toBe(0);
  });

  it('a pull request that drops the creation rules to commit a plaintext Secret: the base rules still fail it, even when the change is allowed', async () => {
    const r = await review(commits.loosened, { GITSEAL_REVIEW_BASE: commits.head, GITSEAL_REVIEW_COMMAND: command(), GITSEAL_REVIEW_ALLOW_CONFIG_CHANGE: 'true' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.summary).toContain('`.gitseal.yaml`');
    expect(blockAfter(r.summary, '**verify**')).toContain('apps/cache-secret.yaml: FAIL not encrypted, but a creation rule in .gitseal.yaml at the base matches it');
    expect(r.outputs).toMatchObject({ verify: 'failed', 'config-changed': 'true' });
    expectNoValues(r);
  });
});

describe('gitseal-review action script: writers', () => {
  const canary = `CANARY-${randomBytes(8).toString('hex')}`;
  const w = { dir: '', main: '', forged: '', declared: '' };
  let alice: TestWriter;
  let mallory: TestWriter;
  let trust = '';

  beforeAll(async () => {
    const space = await newWorkspace();
    w.dir = space.path('writers');
    alice = makeWriter(space.dir, 'alice');
    mallory = makeWriter(space.dir, 'mallory');
    trustFile(space.path('trust.yaml'), [alice]);
    trust = readFileSync(space.path('trust.yaml'), 'utf8');
    const config = space.read('.gitseal.yaml');
    space.write('writers/.gitseal.yaml', withWriters(config, [alice], true));
    initRepo(w.dir);
    const gitseal = async (args: string[], env: Record<string, string>, input: string) => {
      const r = await space.run(args, { cwd: w.dir, env, input });
      expect(r.status, describeRun(args, r)).toBe(0);
    };
    const plain = (v: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: prod}\nstringData: {password: ${v}}\n`;
    await gitseal(['encrypt', '-', '-o', 'db-secret.enc.yaml'], alice.env, plain(`${canary}-one`));
    commitAll(w.dir, 'alice writes');
    w.main = git(w.dir, 'rev-parse', 'HEAD').trim();
    // Push access and the public recipient, no org key: the document sealed anew and signed with the attacker's own key.
    await gitseal(['encrypt', '-', '-o', 'db-secret.enc.yaml'], { XDG_CONFIG_HOME: space.path('attacker'), ...mallory.env }, plain(`${canary}-two`));
    commitAll(w.dir, 'rotate the password');
    w.forged = git(w.dir, 'rev-parse', 'HEAD').trim();
    git(w.dir, 'checkout', '-q', '--detach', w.main);
    space.write('writers/.gitseal.yaml', withWriters(config, [alice, mallory], true));
    commitAll(w.dir, 'add a writer');
    w.declared = git(w.dir, 'rev-parse', 'HEAD').trim();
  });

  const expectNoCanary = (r: Review) => expect(r.summary + r.stdout + r.stderr).not.toContain(canary);

  it('a document re-encrypted by another writer: flagged above the report, marked in the diff, refused by verify since signatures are required', async () => {
    const r = await review(w.forged, { GITSEAL_REVIEW_BASE: w.main, GITSEAL_REVIEW_COMMAND: command(), GITSEAL_REVIEW_TRUST: trust }, [], w.dir);
    expect(r.status, r.stderr).toBe(1);
    expect(r.summary).toContain('**⚠ writer changed** on 1 document (see the diff)');
    expect(r.summary).not.toContain('who may write changed');
    expect(blockAfter(r.summary, '**verify**')).toContain(`${mallory.kid} ("mallory") is not a writer you trust, and signatures are required here (requireSignatures) [E_UNTRUSTED_WRITER]`);
    expect(blockAfter(r.summary, '**gitseal diff**')).toContain(`  ! writer changed: alice (${alice.kid}) → "mallory" (${mallory.kid}, not trusted)`);
    expect(r.outputs).toEqual({ verify: 'failed', differences: 'true', 'writers-changed': 'true', 'config-changed': 'false' });
    expect(readdirSync(r.runnerTemp)).toEqual([]); // the trust file went with the run
    expectNoCanary(r);

    // Without the trust input nobody is trusted: the change is still marked, by the subjects the signatures claim.
    const bare = await review(w.forged, { GITSEAL_REVIEW_BASE: w.main, GITSEAL_REVIEW_COMMAND: command() }, [], w.dir);
    expect(blockAfter(bare.summary, '**gitseal diff**')).toContain(`  ! writer changed: "alice" (${alice.kid}, not trusted) → "mallory" (${mallory.kid}, not trusted)`);
    expectNoCanary(bare);
  });

  it('a pull request that only adds a key to the writers of .gitseal.yaml fails verify, by name and kid, and is flagged', async () => {
    const r = await review(w.declared, { GITSEAL_REVIEW_BASE: w.main, GITSEAL_REVIEW_COMMAND: command(), GITSEAL_REVIEW_TRUST: trust }, [], w.dir);
    expect(r.status, r.stderr).toBe(1);
    expect(r.summary).toContain('**⚠ who may write changed**: `.gitseal.yaml` changed its writers or turned requireSignatures off');
    expect(r.summary).toContain('**verify** (1 changed file): failed');
    expect(blockAfter(r.summary, '**verify**')).toContain(`.gitseal.yaml: FAIL writer list changed since ${w.main.slice(0, 12)}: added "mallory" (${mallory.kid})`);
    expect(r.summary).toContain('no changes to encrypted files');
    expect(r.outputs).toEqual({ verify: 'failed', differences: 'false', 'writers-changed': 'true', 'config-changed': 'true' });
    expect(r.summary).toContain('**⚠ review configuration changed**: `.gitseal.yaml`.');
    expectNoCanary(r);
  });
});

