/** `gitseal git setup` on real repositories: what it writes, that a second run changes nothing, and hook chaining. */
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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

    const command = `node ${gitsealCli()}`;
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

  it('refuses outside a git work tree', async () => {
    const w = await newWorkspace();
    const r = await w.run(['git', 'setup']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not inside a git work tree/);
  });
});
