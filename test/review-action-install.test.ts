/**
 * The gitseal-review action's install (issue 15): gitseal comes from the
 * pinned registry at the pinned version, and runs only when its tarball has
 * the pinned sha512. A pull request's `.npmrc` (or npm_config_* variables)
 * pointing at another registry is never used: that registry, on loopback
 * like the pinned one, records whether anyone asked it for anything.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, ROOT } from './helpers/cli.js';
import { commitAll, git, initRepo } from './helpers/git.js';
import { packFakePackage, startNpmRegistry, type NpmRegistry, type Tarball } from './helpers/npm-registry.js';

const SCRIPT = join(ROOT, '.github', 'actions', 'gitseal-review', 'review.mjs');
const VERSION = '9.9.9-test';
/** The stand-in for gitseal: records its arguments and working folder, and passes. */
const fakeBin = (who: string) => `import { appendFileSync } from 'node:fs';
appendFileSync(process.env.FAKE_GITSEAL_LOG, JSON.stringify({ who: ${JSON.stringify(who)}, args: process.argv.slice(2), cwd: process.cwd() }) + '\\n');
if (process.argv[2] === 'verify') console.log('1 of 1 tracked files checked: all ok');
`;

let dir: string;
let repo: string;
let base: string;
let good: Tarball;
let pinned: NpmRegistry;
let evil: NpmRegistry;

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'gitseal-review-install-')));
  mkdirSync(join(dir, 'good'));
  mkdirSync(join(dir, 'evil'));
  good = packFakePackage(join(dir, 'good'), 'gitseal', VERSION, fakeBin('pinned'));
  pinned = await startNpmRegistry([good]);
  evil = await startNpmRegistry([packFakePackage(join(dir, 'evil'), 'gitseal', VERSION, fakeBin('evil'))]);
  repo = join(dir, 'repo');
  mkdirSync(repo);
  initRepo(repo);
  writeFileSync(join(repo, 'README.md'), '# deploy\n');
  commitAll(repo, 'base');
  base = git(repo, 'rev-parse', 'HEAD').trim();
  // The pull request: its own registry, for the project and for any scope.
  writeFileSync(join(repo, '.npmrc'), `registry=${evil.url}\n@gitseal:registry=${evil.url}\n`);
  writeFileSync(join(repo, 'notes.yaml'), 'a: b\n');
  commitAll(repo, 'a pull request with an .npmrc');
});

afterAll(async () => {
  await pinned?.close();
  await evil?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stderr: string;
  summary: string;
  calls: Array<{ who: string; args: string[]; cwd: string }>;
  temp: string;
}

function review(env: Record<string, string>): Promise<Run> {
  const scratch = mkdtempSync(join(dir, 'runner-'));
  const files = { summary: join(scratch, 'summary.md'), output: join(scratch, 'output'), temp: join(scratch, 'temp'), log: join(scratch, 'calls') };
  mkdirSync(files.temp);
  writeFileSync(files.summary, '');
  const fullEnv = {
    ...baseEnv(scratch),
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: files.temp,
    FAKE_GITSEAL_LOG: files.log,
    GITSEAL_REVIEW_BASE: base,
    // What a runner's environment could add: overridden by the action's own config, never used.
    npm_config_registry: evil.url,
    NPM_CONFIG_USERCONFIG: join(repo, '.npmrc'),
    ...env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { cwd: repo, env: fullEnv });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const calls = existsSync(files.log) ? readFileSync(files.log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run['calls'][number]) : [];
      resolve({ status, stderr, summary: readFileSync(files.summary, 'utf8'), calls, temp: files.temp });
    });
  });
}

describe('gitseal-review action: the install', () => {
  it('installs the pinned version from the pinned registry and runs it; the pull request .npmrc registry is never contacted', async () => {
    const r = await review({ GITSEAL_REVIEW_VERSION: VERSION, GITSEAL_REVIEW_INTEGRITY: good.integrity, GITSEAL_REVIEW_REGISTRY: pinned.url });
    expect(r.status, r.stderr + r.summary).toBe(0);
    expect(evil.requests).toEqual([]);
    expect(pinned.requests).toContain('/gitseal');
    expect(r.calls.map((c) => c.who)).toEqual(['pinned', 'pinned']);
    expect(r.calls[0]!.args).toEqual(['verify', '--all', '--base', base, '--review', '--without-key', '.npmrc', 'notes.yaml']);
    expect(r.calls[1]!.args.slice(0, 2)).toEqual(['diff', '--git']);
    expect(r.calls[0]!.cwd).toBe(repo);
    expect(readdirSync(r.temp)).toEqual([]); // the install went with the run
  });

  it('a tarball whose sha512 is not the pinned integrity: nothing runs, status 2, the reason in the summary', async () => {
    const wrong = `sha512-${Buffer.alloc(64, 1).toString('base64')}`;
    const r = await review({ GITSEAL_REVIEW_VERSION: VERSION, GITSEAL_REVIEW_INTEGRITY: wrong, GITSEAL_REVIEW_REGISTRY: pinned.url });
    expect(r.status).toBe(2);
    expect(r.summary).toContain(`**could not run**: gitseal ${VERSION} from ${pinned.url} is ${good.integrity}, not the pinned integrity: nothing of it was run`);
    expect(r.calls).toEqual([]);
    expect(evil.requests).toEqual([]);
    expect(readdirSync(r.temp)).toEqual([]);
  });

  it('version and integrity are required, exact and well formed; the registry is https (http only on loopback)', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ GITSEAL_REVIEW_INTEGRITY: good.integrity }, '"version" must be an exact gitseal version such as 0.1.0'],
      [{ GITSEAL_REVIEW_VERSION: 'latest', GITSEAL_REVIEW_INTEGRITY: good.integrity }, 'not a range or tag'],
      [{ GITSEAL_REVIEW_VERSION: '^0.1.0', GITSEAL_REVIEW_INTEGRITY: good.integrity }, 'not a range or tag'],
      [{ GITSEAL_REVIEW_VERSION: VERSION }, '"integrity" must be the sha512 of the package tarball'],
      [{ GITSEAL_REVIEW_VERSION: VERSION, GITSEAL_REVIEW_INTEGRITY: 'sha1-AAAA' }, '"integrity" must be the sha512'],
      [{ GITSEAL_REVIEW_VERSION: VERSION, GITSEAL_REVIEW_INTEGRITY: good.integrity, GITSEAL_REVIEW_REGISTRY: 'http://registry.example/' }, '"registry" must be an https URL'],
    ];
    for (const [env, message] of cases) {
      const r = await review({ GITSEAL_REVIEW_REGISTRY: pinned.url, ...env });
      expect(r.status, message).toBe(2);
      expect(r.summary).toContain(message);
      expect(r.calls).toEqual([]);
    }
    expect(evil.requests).toEqual([]);
  });
});
