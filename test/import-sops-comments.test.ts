/**
 * `gitseal import sops` of files whose encrypted values SOPS chose by
 * comments (encrypted_comment_regex, unencrypted_comment_regex), through the
 * built CLI, with files from the independent writer (test/helpers/
 * sops-writer.ts, from Go's shouldBeEncrypted). Go's rule, which gitseal
 * follows: a comment counts for the key right after it and that key's
 * subtree; comments are not in the MAC, and with mac_only_encrypted neither
 * are the values left clear. So a clear value outside the MAC may be edited
 * (Go accepts it too), while a covered value put in clear, or a marking
 * comment added over a clear value, is refused with E_SOPS (52: Go cannot
 * decrypt it), and a marking comment removed or edited so that an encrypted
 * value leaves coverage fails the MAC (53). Refusals change no file and
 * print no value.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeRun, type RunResult } from './helpers/cli.js';
import { ageKeyFor, comment, SopsWriter, type Tree } from './helpers/sops-writer.js';
import { snapshotTree } from './helpers/tree.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const marker = randomBytes(10).toString('hex');
const canary = (n: number) => `CANARY-${marker}-${n}`;

async function ageSetup(opts: ConstructorParameters<typeof SopsWriter>[0]) {
  const ws = await newWorkspace();
  const key = randomBytes(32);
  const age = await ageKeyFor(key);
  ws.write('id.txt', `${age.identity}\n`);
  return { ws, writer: new SopsWriter({ ...opts, key, age: [age.entry] }) };
}

async function ok(ws: Workspace, args: string[]): Promise<RunResult> {
  const r = await ws.run(args);
  expect(r.status, describeRun(args, r)).toBe(0);
  return r;
}

async function refused(ws: Workspace, args: string[], status: number): Promise<RunResult> {
  const before = snapshotTree(ws.dir);
  const r = await ws.run(args);
  expect(r.status, describeRun(args, r)).toBe(status);
  expect(snapshotTree(ws.dir)).toEqual(before);
  expect(r.stdout + r.stderr).not.toContain(marker);
  return r;
}

const SECRET: Tree = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'payments', labels: { tier: 'back' } },
  stringData: { c1: comment(' sops:enc'), password: canary(1), user: 'app', c2: comment(' sops:enc'), token: canary(2) },
};
const CLEAR = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'payments', labels: { tier: 'back' } }, stringData: { password: canary(1), user: 'app', token: canary(2) } };

const importTo = async (ws: Workspace, from: string, to: string) => {
  const r = await ok(ws, ['import', 'sops', from, '--age-key', 'id.txt']);
  expect(r.stdout + r.stderr).not.toContain(marker);
  ws.write(to, r.stdout);
  return parse((await ok(ws, ['decrypt', to])).stdout) as unknown;
};

describe('import sops with encrypted_comment_regex and mac_only_encrypted', () => {
  it('imports with the MAC checked; a clear value outside the MAC may change, as Go allows', async () => {
    const { ws, writer } = await ageSetup({ encryptedCommentRegex: '^ sops:enc$', macOnlyEncrypted: true });
    const text = writer.yaml([SECRET]);
    expect(text).toContain('encrypted_comment_regex');
    expect(text).toMatch(/^ {2}user: app$/m);
    ws.write('s.sops.yaml', text);
    expect(await importTo(ws, 's.sops.yaml', 's.enc.yaml')).toEqual(CLEAR);
    ws.write('free.sops.yaml', text.replace('user: app', 'user: root').replace('tier: back', 'tier: front'));
    expect(await importTo(ws, 'free.sops.yaml', 'free.enc.yaml')).toEqual({ ...CLEAR, metadata: { name: 'db', namespace: 'payments', labels: { tier: 'front' } }, stringData: { ...CLEAR.stringData, user: 'root' } });
  });

  it('refuses a covered value put in clear or a marker added over a clear value (52), and a marker removed or edited (53)', async () => {
    const { ws, writer } = await ageSetup({ encryptedCommentRegex: '^ sops:enc$', macOnlyEncrypted: true });
    const text = writer.yaml([SECRET]);
    const cases: Array<[string, string, number]> = [
      ['clear.sops.yaml', text.replace(/^( {2}password: ).*$/m, `$1${canary(1)}`), 52],
      ['added.sops.yaml', text.replace(/^( {2}user: app)$/m, '  # sops:enc\n$1'), 52],
      ['removed.sops.yaml', text.replace(/^ {2}# sops:enc\n( {2}token:)/m, '$1'), 53],
      ['edited.sops.yaml', text.replace(/^ {2}# sops:enc\n( {2}token:)/m, '  # sops:enc!\n$1'), 53],
    ];
    for (const [file, body, status] of cases) {
      expect(body, file).not.toBe(text);
      ws.write(file, body);
      await refused(ws, ['import', 'sops', '-i', file, '--age-key', 'id.txt'], status);
    }
  });
});

describe('import sops with unencrypted_comment_regex', () => {
  it('imports with the MAC checked; removing the clear marker is refused (52)', async () => {
    const doc: Tree = { c: comment(' public'), host: 'db.local', password: canary(3), c2: comment(' public'), labels: { a: 'b' } };
    const { ws, writer } = await ageSetup({ unencryptedCommentRegex: 'public' });
    const text = writer.yaml([doc]);
    expect(text).toMatch(/^host: db\.local$/m);
    expect(text).toMatch(/^password: ENC\[/m);
    ws.write('u.sops.yaml', text);
    expect(await importTo(ws, 'u.sops.yaml', 'u.enc.yaml')).toEqual({ host: 'db.local', password: canary(3), labels: { a: 'b' } });
    // Without mac_only_encrypted the clear values are in the MAC.
    ws.write('edit.sops.yaml', text.replace('host: db.local', 'host: evil'));
    await refused(ws, ['import', 'sops', '-i', 'edit.sops.yaml', '--age-key', 'id.txt'], 53);
    ws.write('unmarked.sops.yaml', text.replace(/^# public\nhost:/m, 'host:'));
    await refused(ws, ['import', 'sops', '-i', 'unmarked.sops.yaml', '--age-key', 'id.txt'], 52);
  });
});
