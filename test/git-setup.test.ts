/** `gitseal git setup` on real repositories: what it writes, that a second run changes nothing, and hook chaining. */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotTree } from './helpers/tree.js';
import { makeRepo } from './helpers/git-repo.js';
import { useWorkspaces } from './helpers/workspace.js';
import { gitsealCli } from './helpers/cli.js';

const newWorkspace = useWorkspaces();

describe('gitseal git setup', () => {
  it('writes attributes from the default creation rule, the drivers and the hook, and a second run changes nothing', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    const attributes = repo.read('.gitattributes');
    for (const ext of ['yaml', 'yml', 'json']) expect(attributes).toContain(`\n*secret*.${ext} diff=gitseal merge=gitseal\n`);
    expect(attributes).not.toContain('\n*.yaml ');

    const command = join(repo.dir, '.git', 'gitseal', 'gitseal');
    expect(readFileSync(command, 'utf8')).toContain(`then exec node ${realpathSync(gitsealCli())} "$@"; fi`);
    expect(repo.ok('config', '--local', 'diff.gitseal.textconv').trim()).toBe(`${command} git textconv`);
    expect(repo.ok('config', '--local', 'diff.gitseal.cachetextconv').trim()).toBe('false');
    expect(repo.ok('config', '--local', 'merge.gitseal.driver').trim()).toBe(`${command} git merge %O %A %B %P`);
    expect(repo.ok('config', '--local', 'merge.gitseal.name').trim()).not.toBe('');
    expect(repo.ok('check-attr', 'diff', 'merge', '--', 'deep/db-secret.yaml')).toContain('diff: gitseal');
    expect(repo.ok('check-attr', 'merge', '--', 'values.yaml')).toContain('merge: unspecified');

    const hook = join(repo.dir, '.git', 'hooks', 'pre-commit');
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain(`${command} git pre-commit`);

    const before = snapshotTree(repo.dir);
    const again = await repo.gitseal(['git', 'setup']);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/\.gitattributes: unchanged/);
    expect(snapshotTree(repo.dir)).toEqual(before);
  });

  it('keeps what .gitattributes had, and replaces only its own block', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w, { setup: false });
    repo.write('.gitattributes', '*.png binary\n');
    expect((await repo.gitseal(['git', 'setup'])).status).toBe(0);
    repo.write('.gitattributes', repo.read('.gitattributes') + '*.sh text eol=lf\n');
    expect((await repo.gitseal(['git', 'setup'])).status).toBe(0);
    const text = repo.read('.gitattributes');
    expect(text.startsWith('*.png binary\n')).toBe(true);
    expect(text.endsWith('*.sh text eol=lf\n')).toBe(true);
    expect(text.match(/# >>> gitseal/g)).toHaveLength(1);
  });

  it('falls back to every YAML/JSON file when a path_regex has no glob', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w, { setup: false });
    repo.write('.gitseal.yaml', repo.read('.gitseal.yaml').replace(/path_regex: .*$/m, "path_regex: 'secrets?/.+\\.ya?ml'"));
    const r = await repo.gitseal(['git', 'setup']);
    expect(r.status).toBe(0);
    const text = repo.read('.gitattributes');
    for (const p of ['*.yaml', '*.yml', '*.json']) expect(text).toContain(`\n${p} diff=gitseal merge=gitseal\n`);
    expect(text).toMatch(/no exact glob/);
  });

  it('chains an existing pre-commit hook, which still runs, and does not chain it twice', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w, { setup: false });
    const hooks = join(repo.dir, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'pre-commit'), `#!/bin/sh\necho ran > "${join(w.dir, 'old-hook-ran')}"\n`);
    chmodSync(join(hooks, 'pre-commit'), 0o755);
    const first = await repo.gitseal(['git', 'setup']);
    expect(first.stderr).toMatch(/chained|runs the previous hook/);
    expect(existsSync(join(hooks, 'pre-commit.before-gitseal'))).toBe(true);
    const second = await repo.gitseal(['git', 'setup']);
    expect(second.stderr).toMatch(/pre-commit hook: unchanged/);
    expect(existsSync(join(hooks, 'pre-commit.before-gitseal-2'))).toBe(false);

    repo.write('README.md', 'hello\n');
    repo.ok('add', 'README.md');
    repo.ok('commit', '-q', '-m', 'readme');
    expect(existsSync(join(w.dir, 'old-hook-ran'))).toBe(true);
  });

  it('installs the hook where core.hooksPath points', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w, { setup: false });
    repo.ok('config', 'core.hooksPath', '.githooks');
    expect((await repo.gitseal(['git', 'setup'])).status).toBe(0);
    expect(readFileSync(join(repo.dir, '.githooks', 'pre-commit'), 'utf8')).toContain('git pre-commit');
    expect(existsSync(join(repo.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('a clone whose gitseal is gone: the diff shows the ciphertext with what to install, a commit fails with it; setup again mends it', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w, { setup: false });
    // A gitseal of its own, which the "teammate" then loses.
    const copy = join(w.dir, 'lost-install');
    cpSync(dirname(gitsealCli()), copy, { recursive: true });
    const setup = spawnSync(process.execPath, [join(copy, 'gitseal.mjs'), 'git', 'setup'], { cwd: repo.dir, encoding: 'utf8' });
    expect(setup.status, setup.stderr).toBe(0);
    repo.write('db-secret.yaml', 'kind: Secret\nnot: encrypted by gitseal\n');
    repo.ok('add', 'db-secret.yaml');
    repo.ok('commit', '-q', '--no-verify', '-m', 'a file the drivers see');
    repo.write('db-secret.yaml', 'kind: Secret\nchanged: too\n');
    rmSync(copy, { recursive: true });

    const log = spawnSync('git', ['log', '-p', '-1'], { cwd: join(repo.dir), encoding: 'utf8' });
    expect(log.status).toBe(0);
    expect(log.stdout).toContain('+not: encrypted by gitseal');
    expect(log.stderr).toMatch(/is not there, and git needs it/);
    expect(log.stderr).toMatch(/npm install -g gitseal/);
    expect(log.stderr).not.toMatch(/not found/);

    const commit = spawnSync('git', ['commit', '-q', '-am', 'blocked'], { cwd: repo.dir, encoding: 'utf8' });
    expect(commit.status).not.toBe(0);
    expect(commit.stderr).toMatch(/then run: gitseal git setup/);

    expect((await repo.gitseal(['git', 'setup'])).stderr).toMatch(/launcher: written/);
    expect(spawnSync('git', ['commit', '-q', '-am', 'guarded again'], { cwd: repo.dir, encoding: 'utf8' }).stderr).not.toMatch(/is not there/);
  });

  it('records the project\'s node_modules/.bin/gitseal relative to the work tree, which holds in every clone and from any folder', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w, { setup: false });
    const dist = join(repo.dir, 'node_modules', 'gitseal', 'dist');
    cpSync(dirname(gitsealCli()), dist, { recursive: true });
    mkdirSync(join(repo.dir, 'node_modules', '.bin'));
    symlinkSync('../gitseal/dist/gitseal.mjs', join(repo.dir, 'node_modules', '.bin', 'gitseal'));
    writeFileSync(join(repo.dir, '.gitignore'), 'node_modules/\n');
    const setup = spawnSync(join(repo.dir, 'node_modules', '.bin', 'gitseal'), ['git', 'setup'], { cwd: repo.dir, encoding: 'utf8' });
    expect(setup.status, setup.stderr).toBe(0);
    const launcher = readFileSync(join(repo.dir, '.git', 'gitseal', 'gitseal'), 'utf8');
    expect(launcher).toContain('if [ -x node_modules/.bin/gitseal ]; then exec node_modules/.bin/gitseal "$@"; fi');
    mkdirSync(join(repo.dir, 'sub'));
    repo.write('sub/db-secret.yaml', 'kind: Secret\nplain: yes\n');
    // From a subfolder, git still runs the hook from the top: the guard runs and refuses the plaintext Secret.
    spawnSync('git', ['add', 'db-secret.yaml'], { cwd: join(repo.dir, 'sub') });
    const commit = spawnSync('git', ['commit', '-q', '-m', 'plaintext'], { cwd: join(repo.dir, 'sub'), encoding: 'utf8' });
    expect(commit.status).not.toBe(0);
    expect(commit.stderr).not.toMatch(/is not there/);
    expect(commit.stderr).toMatch(/db-secret\.yaml/);
  });

  it('refuses to record a gitseal that runs from npx\'s cache', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w, { setup: false });
    const npx = join(w.dir, '.npm', '_npx', '0123abcd', 'node_modules', 'gitseal', 'dist');
    cpSync(dirname(gitsealCli()), npx, { recursive: true });
    const r = spawnSync(process.execPath, [join(npx, 'gitseal.mjs'), 'git', 'setup'], { cwd: repo.dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/npx's cache/);
    expect(existsSync(join(repo.dir, '.git', 'gitseal'))).toBe(false);
  });

  it('refuses outside a git work tree', async () => {
    const w = await newWorkspace();
    const r = await w.run(['git', 'setup']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not inside a git work tree/);
  });
});
