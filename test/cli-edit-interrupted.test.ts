/**
 * `gitseal edit` interrupted (issue 15, finding 7): the plaintext lives in a
 * RAM folder only while the editor runs. SIGHUP and SIGTERM wipe it before
 * gitseal exits; a SIGKILL leaves it, and the next start sweeps it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { useRamFolders } from './helpers/ram-folder.js';
import { useWorkspaces } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const CANARY = 'canary-edit-4c1d';
const SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: ${CANARY}\n`;

const ramFolder = useRamFolders();

describe.concurrent('edit interrupted', () => {
  for (const [signal, status] of [['TERM', 143], ['HUP', 129]] as const) {
    it(`SIG${signal} while the editor runs wipes the plaintext and leaves the file as it was`, async () => {
      const ws = await newWorkspace();
      ws.write('s.yaml', SECRET);
      expect((await ws.run(['encrypt', '-i', 's.yaml'])).status).toBe(0);
      const before = ws.read('s.yaml');
      const ram = ramFolder();
      // The editor's shell is a child of gitseal: $PPID is gitseal. The sleep outlives the signal.
      const r = await ws.run(['edit', 's.yaml'], { env: { GITSEAL_RAM_DIR: ram, EDITOR: `kill -${signal} $PPID; sleep 2; true` } });
      expect(r.status, describeRun(['edit'], r)).toBe(status);
      expect(r.stderr).toContain(`SIG${signal}: the plaintext was wiped; the file is unchanged`);
      expect(readdirSync(ram)).toEqual([]);
      expect(ws.read('s.yaml')).toBe(before);
      expect(r.stdout + r.stderr).not.toContain(CANARY);
    });
  }

  it('the next start sweeps a folder a killed gitseal left (its process gone, older than this one), and no other', async () => {
    const ws = await newWorkspace();
    ws.write('s.yaml', SECRET);
    expect((await ws.run(['encrypt', '-i', 's.yaml'])).status).toBe(0);
    const ram = ramFolder();
    const dead = spawnSync('true').pid!; // a process id that is gone
    const stale = join(ram, `gitseal-${dead}-abc123`);
    const live = join(ram, `gitseal-${process.pid}-def456`); // this test's own process: alive
    for (const d of [stale, live]) {
      mkdirSync(d);
      writeFileSync(join(d, 's.yaml'), SECRET);
      utimesSync(d, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    }
    const r = await ws.run(['edit', 's.yaml'], { env: { GITSEAL_RAM_DIR: ram, EDITOR: 'true' } });
    expect(r.status, describeRun(['edit'], r)).toBe(0);
    expect(r.stderr).toContain(`wiped 1 plaintext folder(s) an interrupted gitseal left in ${ram}`);
    expect(readdirSync(ram)).toEqual([`gitseal-${process.pid}-def456`]);
  });
});
