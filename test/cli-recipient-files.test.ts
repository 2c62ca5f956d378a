/**
 * Recipients kept in files, through the built CLI: `-R FILE` beside `-r` on
 * the commands that take recipients, and `{file: PATH}` in `.gitseal.yaml`,
 * whose path may not lead out of the repository. Bad input writes nothing.
 */
import { existsSync, symlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { SECRET } from './helpers/fixtures.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

const kidsOf = (enc: string): string[] => [...enc.matchAll(/kid: (org-[0-9a-f]+)/g)].map((m) => m[1]!).sort();

async function ok(ws: Workspace, args: string[]): Promise<string> {
  const r = await ws.run(args);
  expect(r.status, describeRun(args, r)).toBe(0);
  return r.stdout;
}

describe.concurrent('-R FILE', () => {
  it('encrypt, updatekeys and init read one recipient a line, with comments, beside -r', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('other.yaml');
    ws.write('team.pub', `# the team\n\n${other.recipient}\n`);
    ws.write('s.yaml', SECRET);

    expect(kidsOf(await ok(ws, ['encrypt', 's.yaml', '-R', 'team.pub']))).toEqual([other.kid]);
    await ok(ws, ['encrypt', 's.yaml', '-r', ws.recipient, '-R', 'team.pub', '-o', 's.enc.yaml']);
    expect(kidsOf(ws.read('s.enc.yaml'))).toEqual([ws.kid, other.kid].sort());

    ws.write('me.pub', `${ws.recipient}\n`);
    await ok(ws, ['updatekeys', 's.enc.yaml', '-R', 'me.pub']);
    expect(kidsOf(ws.read('s.enc.yaml'))).toEqual([ws.kid]);

  });

  it('init names a recipient file inside the repository ({file: PATH}) and copies one from outside', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('other.yaml');
    ws.write('repo/.git/HEAD', 'ref: refs/heads/main\n');
    ws.write('repo/keys/team.pub', `# the team\n${other.recipient}\n`);
    ws.write('outside.pub', `${ws.recipient}\n`);
    ws.write('repo/s.yaml', SECRET);

    const init = await ws.run(['init', '-R', 'keys/team.pub', '-R', '../outside.pub'], { cwd: ws.path('repo') });
    expect(init.status, describeRun(['init'], init)).toBe(0);
    expect(init.stderr).toContain('../outside.pub is outside the repository: its 1 recipient(s) are copied into .gitseal.yaml');
    const config = ws.read('repo/.gitseal.yaml');
    expect(config).toContain('  - {file: "keys/team.pub"}\n');
    expect(config).toContain(`  - ${ws.recipient}\n`);
    expect(config).not.toContain(other.recipient);

    // The named file is read on use: a new recipient in it reaches the next encryption.
    const third = await ws.keygen('third.yaml');
    ws.write('repo/keys/team.pub', `${other.recipient}\n${third.recipient}\n`);
    const enc = await ws.run(['encrypt', 's.yaml'], { cwd: ws.path('repo') });
    expect(enc.status, describeRun(['encrypt'], enc)).toBe(0);
    expect(kidsOf(enc.stdout)).toEqual([ws.kid, other.kid, third.kid].sort());
  });

  it('a bad line is E_RECIPIENT naming the file and line, a missing file E_IO; nothing is written', async () => {
    const ws = await newWorkspace();
    ws.write('s.yaml', SECRET);
    ws.write('bad.pub', `${ws.recipient}\nage1qqqqqqqq\n`);
    const bad = await ws.run(['encrypt', 's.yaml', '-R', 'bad.pub', '-o', 's.enc.yaml']);
    expect(bad.status).toBe(23);
    expect(bad.stderr).toContain('bad.pub, line 2');
    expect(bad.stderr).not.toContain('age1qqqqqqqq');
    const missing = await ws.run(['encrypt', 's.yaml', '-R', 'none.pub', '-o', 's.enc.yaml']);
    expect(missing.status).toBe(3);
    expect(existsSync(ws.path('s.enc.yaml'))).toBe(false);
  });
});

describe.concurrent('.gitseal.yaml {file: PATH}', () => {
  it('encrypts to the recipients of a file beside .gitseal.yaml', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('other.yaml');
    ws.write('repo/.git/HEAD', 'ref: refs/heads/main\n');
    ws.write('repo/keys/org.pub', `# org\n${other.recipient}\n`);
    ws.write('repo/apps/.gitseal.yaml', 'recipients: [{file: ../keys/org.pub}]\n');
    ws.write('repo/apps/s.yaml', SECRET);
    expect(kidsOf(await ok(ws, ['encrypt', 'repo/apps/s.yaml']))).toEqual([other.kid]);
  });

  it('refuses a recipient file that is a symbolic link out of the repository (E_CONFIG), writing nothing', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('other.yaml');
    ws.write('elsewhere/attacker.pub', `${other.recipient}\n`);
    ws.write('repo/.git/HEAD', 'ref: refs/heads/main\n');
    ws.write('repo/.gitseal.yaml', 'recipients: [{file: keys/org.pub}]\n');
    ws.write('repo/s.yaml', SECRET);
    ws.write('repo/keys/.keep', '');
    symlinkSync(ws.path('elsewhere', 'attacker.pub'), ws.path('repo', 'keys', 'org.pub'));
    const r = await ws.run(['encrypt', '-i', 'repo/s.yaml']);
    expect(r.status).toBe(22);
    expect(r.stderr).toContain('leads outside the repository');
    expect(ws.read('repo/s.yaml')).toBe(SECRET);
  });
});
