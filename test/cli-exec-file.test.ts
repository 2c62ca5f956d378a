/**
 * `gitseal exec-file` (issue 17, sops's exec-file): the command gets the decrypted file as a 0600 file
 * in a RAM folder, which is wiped when it exits or when gitseal is told to stop.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { useRamFolders } from './helpers/ram-folder.js';
import { useWorkspaces } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const CANARY = 'canary-exec-file-9b2e';
const SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: ${CANARY}\n`;

const ramFolder = useRamFolders();

describe.concurrent('exec-file', () => {
  it('gives the command the decrypted file at {} in RAM, mode 0600, under its plain name, and wipes it after; the exit status is the command\'s', async () => {
    const ws = await newWorkspace();
    ws.write('db.enc.yaml', SECRET);
    expect((await ws.run(['encrypt', '-i', 'db.enc.yaml'])).status).toBe(0);
    const ram = ramFolder();
    const script = 'printf "%s\\n" "$1"; stat -c %a "$1"; cat "$1"; exit 7';
    const r = await ws.run(['exec-file', 'db.enc.yaml', '--', 'sh', '-c', script, 'sh', '{}'], { env: { GITSEAL_RAM_DIR: ram } });
    expect(r.status, describeRun(['exec-file'], r)).toBe(7);
    const [path, mode, ...content] = r.stdout.split('\n');
    expect(path).toMatch(new RegExp(`^${ram}/gitseal-\\d+-\\w{6}/db\\.yaml$`));
    expect(mode).toBe('600');
    expect(content.join('\n')).toBe(SECRET);
    expect(readdirSync(ram)).toEqual([]);
    expect(r.stderr).not.toContain(CANARY);
  });

  it('--output-type dotenv renames the file .env; without {} the path goes last; --filename must be a name', async () => {
    const ws = await newWorkspace();
    ws.write('db.enc.yaml', SECRET);
    expect((await ws.run(['encrypt', '-i', 'db.enc.yaml'])).status).toBe(0);
    const ram = ramFolder();
    const r = await ws.run(['exec-file', 'db.enc.yaml', '--output-type', 'dotenv', '--', 'sh', '-c', 'echo "$1"; cat "$1"', 'sh'], { env: { GITSEAL_RAM_DIR: ram } });
    expect(r.status, describeRun(['exec-file'], r)).toBe(0);
    expect(r.stdout).toMatch(/\/db\.env\npassword=canary-exec-file-9b2e\n$/);
    const bad = await ws.run(['exec-file', 'db.enc.yaml', '--filename', '../../etc/x', '--', 'true'], { env: { GITSEAL_RAM_DIR: ram } });
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/--filename takes a file name, not a path.*E_USAGE/)]);
    const none = await ws.run(['exec-file', 'db.enc.yaml'], { env: { GITSEAL_RAM_DIR: ram } });
    expect(none.stderr).toMatch(/name the command to run.*E_USAGE/);
    const missing = await ws.run(['exec-file', 'db.enc.yaml', '--', 'no-such-command-gitseal'], { env: { GITSEAL_RAM_DIR: ram } });
    expect(missing.stderr).toMatch(/cannot run no-such-command-gitseal.*E_EXEC/);
    expect(readdirSync(ram)).toEqual([]);
  });

  it('SIGTERM while the command runs wipes the plaintext', async () => {
    const ws = await newWorkspace();
    ws.write('db.enc.yaml', SECRET);
    expect((await ws.run(['encrypt', '-i', 'db.enc.yaml'])).status).toBe(0);
    const ram = ramFolder();
    // The shell is gitseal's child: $PPID is gitseal. The sleep outlives the signal.
    const r = await ws.run(['exec-file', 'db.enc.yaml', '--', 'sh', '-c', 'kill -TERM $PPID; sleep 2'], { env: { GITSEAL_RAM_DIR: ram } });
    expect(r.status, describeRun(['exec-file'], r)).toBe(143);
    expect(r.stderr).toContain('SIGTERM: the plaintext was wiped');
    expect(readdirSync(ram)).toEqual([]);
  });
});
