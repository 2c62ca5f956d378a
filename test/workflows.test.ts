/**
 * Lints the GitHub workflows and composite actions under .github with the
 * `yaml` package and plain checks: the keys GitHub requires, every action
 * pinned to a full commit SHA (or a local path), no untrusted expression
 * spliced into a shell script (script injection), a shell on every run step
 * of an action, and the files the actions run exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './helpers/cli.js';

type Obj = Record<string, unknown>;
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Obj;
  env?: Obj;
}

const GITHUB = join(ROOT, '.github');
const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const yamlFiles = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)) : []);
const WORKFLOWS = yamlFiles(join(GITHUB, 'workflows'));
const ACTIONS = existsSync(join(GITHUB, 'actions')) ? readdirSync(join(GITHUB, 'actions')).flatMap((d) => yamlFiles(join(GITHUB, 'actions', d)).filter((f) => /action\.ya?ml$/.test(f))) : [];
const load = (file: string): Obj => {
  const doc = parse(readFileSync(file, 'utf8'), { uniqueKeys: true }) as unknown;
  if (!isMap(doc)) throw new Error(`${file} is not a mapping`);
  return doc;
};
const name = (file: string) => relative(ROOT, file);

/** Pinned: `owner/repo[/path]@<40 hex>`, or an action in this repository (`./path`). */
const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;
/** Expressions an outsider controls (PR titles, branch names, event payloads, inputs): never inside a script's text. */
const UNTRUSTED = /\$\{\{[^}]*\b(github\.event\.|github\.head_ref|inputs\.|github\.event\b)/;

function stepProblems(where: string, steps: unknown, needShell: boolean): string[] {
  if (!Array.isArray(steps) || steps.length === 0) return [`${where}: steps must be a non-empty list`];
  const problems: string[] = [];
  steps.forEach((raw: unknown, i) => {
    const at = `${where} step ${i + 1}`;
    if (!isMap(raw)) return void problems.push(`${at}: not a mapping`);
    const s = raw as Step;
    if ((s.uses === undefined) === (s.run === undefined)) problems.push(`${at}: needs exactly one of uses and run`);
    if (s.uses !== undefined && !s.uses.startsWith('./') && !PINNED.test(s.uses)) problems.push(`${at}: uses ${s.uses} is not pinned to a full commit SHA`);
    if (s.run !== undefined) {
      if (typeof s.run !== 'string') problems.push(`${at}: run must be a string`);
      else if (UNTRUSTED.test(s.run)) problems.push(`${at}: run interpolates an untrusted expression; pass it through env instead`);
      if (needShell && !s.shell) problems.push(`${at}: a composite action's run step needs shell`);
    }
  });
  return problems;
}

/** `uses: owner/repo@sha # vX.Y.Z`: the tag a pin stands for, for whoever reviews an update. */
function pinsWithoutTag(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /uses:\s*[\w.-]+\/[\w.-]+\S*@[0-9a-f]{40}/.test(l) && !/#\s*v\d+(\.\d+)*\b/.test(l))
    .map((l) => `${name(file)}: pin without a "# vX.Y.Z" comment: ${l.trim()}`);
}

function workflowProblems(file: string): string[] {
  const wf = load(file);
  const problems: string[] = [];
  for (const key of ['name', 'on', 'jobs', 'permissions']) if (!(key in wf)) problems.push(`${name(file)}: missing ${key}`);
  if (!isMap(wf.jobs) || Object.keys(wf.jobs).length === 0) return [...problems, `${name(file)}: jobs must be a non-empty mapping`];
  for (const [id, job] of Object.entries(wf.jobs)) {
    const where = `${name(file)} job ${id}`;
    if (!isMap(job)) {
      problems.push(`${where}: not a mapping`);
      continue;
    }
    if (typeof job.uses === 'string') {
      if (!job.uses.startsWith('./') && !PINNED.test(job.uses)) problems.push(`${where}: uses ${job.uses} is not pinned`);
      continue; // a reusable workflow call has neither runs-on nor steps
    }
    if (!job['runs-on']) problems.push(`${where}: missing runs-on`);
    problems.push(...stepProblems(where, job.steps, false));
    for (const s of (Array.isArray(job.steps) ? job.steps : []) as Step[])
      if (s.uses?.startsWith('./') && !['action.yml', 'action.yaml'].some((f) => existsSync(join(ROOT, s.uses!, f)))) problems.push(`${where}: local action ${s.uses} has no action.yml`);
  }
  return [...problems, ...pinsWithoutTag(file)];
}

function actionProblems(file: string): string[] {
  const action = load(file);
  const where = name(file);
  const problems: string[] = [];
  for (const key of ['name', 'description', 'inputs', 'runs']) if (!(key in action)) problems.push(`${where}: missing ${key}`);
  const inputs = isMap(action.inputs) ? action.inputs : {};
  for (const [id, input] of Object.entries(inputs)) if (!isMap(input) || typeof input.description !== 'string') problems.push(`${where}: input ${id} needs a description`);
  const runs = isMap(action.runs) ? action.runs : {};
  if (runs.using !== 'composite') problems.push(`${where}: runs.using must be composite`);
  problems.push(...stepProblems(where, runs.steps, true));
  const steps = (Array.isArray(runs.steps) ? runs.steps : []) as Step[];
  const text = readFileSync(file, 'utf8');
  // Every ${{ inputs.X }} and ${{ steps.Y.outputs... }} names something that exists.
  for (const [, id] of text.matchAll(/\$\{\{\s*inputs\.([\w-]+)/g)) if (!(id! in inputs)) problems.push(`${where}: uses undeclared input ${id}`);
  for (const [, id] of text.matchAll(/\$\{\{\s*steps\.([\w-]+)\./g)) if (!steps.some((s) => s.id === id)) problems.push(`${where}: refers to missing step ${id}`);
  // The scripts the steps run, by $GITHUB_ACTION_PATH, are there.
  for (const s of steps)
    for (const [, path] of (s.run ?? '').matchAll(/\$\{?GITHUB_ACTION_PATH\}?\/([\w./-]+)/g))
      if (!existsSync(join(dirname(file), path!))) problems.push(`${where}: runs ${path}, which does not exist`);
  return [...problems, ...pinsWithoutTag(file)];
}

describe('GitHub workflows and actions', () => {
  it('there is a CI workflow and the gitseal-review action', () => {
    expect(WORKFLOWS.map(name)).toContain('.github/workflows/ci.yml');
    expect(ACTIONS.map(name)).toContain('.github/actions/gitseal-review/action.yml');
  });

  it.each(WORKFLOWS.map((f) => [name(f), f]))('%s: required keys, pinned actions, no script injection', (_, file) => {
    expect(workflowProblems(file)).toEqual([]);
  });

  it.each(ACTIONS.map((f) => [name(f), f]))('%s: required keys, composite steps with a shell, pinned actions, no script injection, its script exists', (_, file) => {
    expect(actionProblems(file)).toEqual([]);
  });

  it('the CI workflow runs the test suite on push and pull request with Node 20', () => {
    const wf = load(join(GITHUB, 'workflows', 'ci.yml'));
    expect(Object.keys(wf.on as Obj).sort()).toEqual(['pull_request', 'push']);
    const steps = ((wf.jobs as Obj).test as Obj).steps as Step[];
    expect(((wf.jobs as Obj).test as Obj)['runs-on']).toBe('ubuntu-latest');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);
    expect(steps.some((s) => /\bnpm test\b|bash \.ci\/run/.test(s.run ?? ''))).toBe(true);
  });

  describe('the release workflow', () => {
    const wf = load(join(GITHUB, 'workflows', 'release.yml'));
    const jobs = wf.jobs as Record<string, Obj>;
    const steps = (job: string): Step[] => (jobs[job]?.steps ?? []) as Step[];
    const text = (job: string): string => JSON.stringify(jobs[job]);

    it('publishes to npm with provenance from the changesets job, after the tests, and keeps a changelog', () => {
      expect(wf.permissions).toEqual({ contents: 'read' });
      const changesets = steps('changesets');
      const tests = changesets.findIndex((s) => /\bnpm test\b/.test(s.run ?? ''));
      const publish = changesets.findIndex((s) => s.uses?.startsWith('changesets/action@'));
      expect(tests).toBeGreaterThanOrEqual(0);
      expect(publish).toBeGreaterThan(tests);
      expect(changesets[publish]!.env?.['NPM_CONFIG_PROVENANCE']).toBe('true');
      expect(jobs.changesets!.permissions).toMatchObject({ 'id-token': 'write' });
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; repository?: { url?: string } };
      // npm refuses a provenance statement whose package.json does not name the repository the workflow ran in;
      // that repository is the one the README's cosign verification names as the signer.
      const signer = /--certificate-identity-regexp\s+'(https:\/\/github\.com\/[^/]+\/[^/']+)\//.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1];
      expect(signer).toBeDefined();
      expect(pkg.repository?.url).toBe(`git+${signer}.git`);
      expect(pkg.scripts[String(changesets[publish]!.with?.['publish']).replace('npm run ', '')]).toMatch(/changeset publish/);
      expect(pkg.scripts[String(changesets[publish]!.with?.['version']).replace('npm run ', '')]).toMatch(/changeset version/);
      expect(existsSync(join(ROOT, '.changeset', 'config.json'))).toBe(true);
      expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(/^# gitseal\n\n## \d+\.\d+\.\d+/);
    });

    it('builds binaries for linux and darwin on x64 and arm64, runs each, and attaches them with signed checksums', () => {
      const matrix = ((jobs.binaries!.strategy as Obj).matrix as Obj).include as Array<{ os: string; target: string }>;
      expect(matrix.map((m) => m.target).sort()).toEqual(['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64']);
      expect(text('binaries')).toMatch(/npm run build:binary/);
      expect(text('binaries')).toMatch(/dist-bin\/gitseal --version/);
      const attach = steps('attach-binaries').map((s) => s.run ?? '').join('\n');
      expect(attach).toMatch(/sha256sum gitseal-\* > SHA256SUMS/);
      expect(attach).toMatch(/cosign sign-blob --yes/);
      expect(attach).toMatch(/gh release upload/);
    });

    it('pushes a multi-arch image with an SBOM and provenance, signed keyless by digest', () => {
      const build = steps('image').find((s) => s.uses?.startsWith('docker/build-push-action@'));
      expect(build?.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', sbom: true, push: true });
      expect(String(build?.with?.['provenance'])).toMatch(/mode=max/);
      expect(steps('image').some((s) => /cosign sign --yes "ghcr\.io\/gitseal\/gitseal@\$DIGEST"/.test(s.run ?? ''))).toBe(true);
      expect(jobs.image!.permissions).toEqual({ packages: 'write', 'id-token': 'write' });
    });

    it('grants OIDC tokens only to the jobs that sign or publish', () => {
      for (const [id, job] of Object.entries(jobs)) {
        const oidc = (job.permissions as Obj | undefined)?.['id-token'] === 'write';
        expect(oidc, id).toBe(['changesets', 'attach-binaries', 'image'].includes(id));
      }
    });
  });

  it('the review script needs nothing but node: builtins', () => {
    const script = readFileSync(join(GITHUB, 'actions', 'gitseal-review', 'review.mjs'), 'utf8');
    const imports = [...script.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((m) => !m.startsWith('node:'))).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    const bad: Step[] = [{ uses: 'actions/checkout@v4' }, { run: 'echo "${{ github.event.pull_request.title }}"' }, { run: 'echo ${{inputs.base}}', shell: 'bash' }, { run: 'true' }, { uses: 'a/b@0123', run: 'x' }];
    expect(stepProblems('t', bad, true)).toEqual([
      't step 1: uses actions/checkout@v4 is not pinned to a full commit SHA',
      't step 2: run interpolates an untrusted expression; pass it through env instead',
      "t step 2: a composite action's run step needs shell",
      't step 3: run interpolates an untrusted expression; pass it through env instead',
      "t step 4: a composite action's run step needs shell",
      't step 5: needs exactly one of uses and run',
      't step 5: uses a/b@0123 is not pinned to a full commit SHA',
      "t step 5: a composite action's run step needs shell",
    ]);
    expect(stepProblems('t', [{ uses: `actions/checkout@${'a'.repeat(40)}` }, { uses: './.github/actions/x' }, { run: 'echo "$TITLE"', shell: 'bash' }], true)).toEqual([]);
  });
});
