/**
 * Symbolic links and in-place writes (issue 15, finding 8): a committed
 * `secret.yaml -> ~/.kube/config` must not make `encrypt -i` (or any command
 * that replaces a file) write outside the repository.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { useWorkspaces } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: pw\n';

/** A workspace with a git repository `repo/` (with the workspace's .gitseal.yaml) and a folder `outside/` beside it. */
async function layout() {
  const ws = await newWorkspace();
  const repo = ws.path('repo');
  mkdirSync(repo);
  mkdirSync(ws.path('outside'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  writeFileSync(join(repo, '.gitseal.yaml'), ws.read('.gitseal.yaml'));
  return { ws, repo };
}

describe.concurrent('writing through symbolic links', () => {
  it('encrypt -i refuses a link out of the repository and leaves its target; --follow-symlinks writes through it', async () => {
    const { ws, repo } = await layout();
    const target = ws.write('outside/kubeconfig', SECRET);
    symlinkSync('../outside/kubeconfig', join(repo, 'secret.yaml'));
    const r = await ws.run(['encrypt', '-i', 'secret.yaml'], { cwd: repo });
    expect(r.status, describeRun(['encrypt'], r)).toBe(3);
    expect(r.stderr).toContain(`secret.yaml is a symbolic link to ${target}, outside the repository: gitseal writes there only with --follow-symlinks [E_IO]`);
    expect(readFileSync(target, 'utf8')).toBe(SECRET);
    const followed = await ws.run(['encrypt', '-i', '--follow-symlinks', 'secret.yaml'], { cwd: repo });
    expect(followed.status, describeRun(['encrypt'], followed)).toBe(0);
    expect(readFileSync(target, 'utf8')).toContain('kind: EncryptedSecret');
    // set, like every command that replaces a file, refuses the same way.
    const set = await ws.run(['set', 'secret.yaml', 'stringData.password', 'x'], { cwd: repo });
    expect(set.status).toBe(3);
    expect(set.stderr).toContain('outside the repository');
  });

  it('a link to another file inside the repository is written through, and -o to a link out of it is refused', async () => {
    const { ws, repo } = await layout();
    mkdirSync(join(repo, 'real'));
    writeFileSync(join(repo, 'real', 'db.yaml'), SECRET);
    symlinkSync('real/db.yaml', join(repo, 'db.yaml'));
    const r = await ws.run(['encrypt', '-i', 'db.yaml'], { cwd: repo });
    expect(r.status, describeRun(['encrypt'], r)).toBe(0);
    expect(readFileSync(join(repo, 'real', 'db.yaml'), 'utf8')).toContain('kind: EncryptedSecret');
    symlinkSync('../outside/out.yaml', join(repo, 'out.yaml'));
    ws.write('outside/out.yaml', 'untouched\n');
    const o = await ws.run(['decrypt', 'db.yaml', '-o', 'out.yaml'], { cwd: repo });
    expect(o.status).toBe(3);
    expect(ws.read('outside/out.yaml')).toBe('untouched\n');
  });

  it('outside a repository, the limit is the file\'s folder', async () => {
    const ws = await newWorkspace();
    mkdirSync(ws.path('work'));
    mkdirSync(ws.path('other'));
    ws.write('other/s.yaml', SECRET);
    writeFileSync(ws.path('work', '.gitseal.yaml'), ws.read('.gitseal.yaml'));
    symlinkSync('../other/s.yaml', ws.path('work', 's.yaml'));
    const r = await ws.run(['encrypt', '-i', 's.yaml'], { cwd: ws.path('work') });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('outside its folder');
    expect(ws.read('other/s.yaml')).toBe(SECRET);
  });
});
