/**
 * Stable ciphertext (schemas/FORMAT.md §4), checked with real git:
 * changing one value changes its line and the MAC line, nothing else;
 * updatekeys touches only the recipients; rotate changes everything;
 * re-encrypting an unchanged file changes nothing.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { FIVE_VALUE_SECRET, valueLines } from './helpers/fixtures.js';
import { changedLines, commitAll, initRepo, numstat } from './helpers/git.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const FILE = 'secret.enc.yaml';
/** Anything that is not a value line, the layout line or a recipient stanza line. */
const isMacLine = (l: string) => /^ {4}mac: \S+$/.test(l);
const isRecipientLine = (l: string) => /^ {6}- kid: \S+$|^ {8}(alg|enc|dek): \S+$/.test(l);
const isLayoutLine = (l: string) => /^ {2}layout: v1\.\S+$/.test(l);
const tokenOf = (l: string) => l.trim().split(':')[0];

interface Repo {
  readonly ws: Workspace;
  /** The repository (a folder of the workspace, so plaintext can live outside it). */
  readonly dir: string;
  run(args: string[], opts?: Parameters<Workspace['run']>[1]): Promise<void>;
  /** The committed encrypted file. */
  readonly committed: string;
}

/** A git repository with .gitseal.yaml and an encrypted five-value Secret, committed. */
async function repoWithSecret(): Promise<Repo> {
  const ws = await newWorkspace();
  const dir = ws.path('repo');
  ws.write('plain/secret.yaml', FIVE_VALUE_SECRET);
  ws.write('repo/.gitseal.yaml', ws.read('.gitseal.yaml'));
  initRepo(dir);
  const run = async (args: string[], opts: Parameters<Workspace['run']>[1] = {}) => {
    const r = await ws.run(args, { cwd: dir, ...opts });
    expect(r.status, describeRun(args, r)).toBe(0);
  };
  await run(['encrypt', '../plain/secret.yaml', '-o', FILE]);
  commitAll(dir, 'encrypted secret');
  expect(numstat(dir)).toBe('');
  return { ws, dir, run, committed: ws.read(`repo/${FILE}`) };
}

/** Asserts the diff is exactly one value line (same token, new ciphertext) and the MAC line. */
function expectOneValueAndMac(repo: Repo): void {
  expect(numstat(repo.dir)).toBe(`2\t2\t${FILE}`);
  const { removed, added } = changedLines(repo.dir, FILE);
  expect(removed.filter(isMacLine)).toHaveLength(1);
  expect(added.filter(isMacLine)).toHaveLength(1);
  const [oldValue] = removed.filter((l) => !isMacLine(l));
  const [newValue] = added.filter((l) => !isMacLine(l));
  expect(valueLines(oldValue!)).toHaveLength(1);
  expect(tokenOf(newValue!)).toBe(tokenOf(oldValue!)); // the key's token is deterministic
}

const decrypted = async (repo: Repo) => {
  const r = await repo.ws.run(['decrypt', FILE], { cwd: repo.dir });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

describe.concurrent('diff stability on a real git repository', () => {
  it('(a) set: one value line and the MAC line change', async () => {
    const repo = await repoWithSecret();
    await repo.run(['set', FILE, 'stringData.password', 'a brand new password']);
    expectOneValueAndMac(repo);
    expect(await decrypted(repo)).toBe(FIVE_VALUE_SECRET.replace('"hunter2-original"', '"a brand new password"'));
  });

  it('(b) encrypt -o over the existing encrypted file after one plaintext change: one value line and the MAC line', async () => {
    const repo = await repoWithSecret();
    await repo.run(['decrypt', FILE, '-o', '../plain/edited.yaml']);
    const changed = repo.ws.read('plain/edited.yaml').replace('region: eu-west-1', 'region: us-east-2');
    repo.ws.write('plain/edited.yaml', changed);
    await repo.run(['encrypt', '../plain/edited.yaml', '-o', FILE]);
    expectOneValueAndMac(repo);
    expect(await decrypted(repo)).toBe(changed);
  });

  it.skipIf(process.platform !== 'linux')('(c) edit with a scripted EDITOR changing one value: one value line and the MAC line', async () => {
    const repo = await repoWithSecret();
    const editor = repo.ws.write('editor.sh', `#!/bin/sh\nsed -i 's/^  api-token: .*$/  api-token: tok-bbbbbbbbbbbb/' "$1"\n`);
    chmodSync(editor, 0o755);
    await repo.run(['edit', FILE], { env: { EDITOR: editor } });
    expectOneValueAndMac(repo);
    expect(await decrypted(repo)).toBe(FIVE_VALUE_SECRET.replace('tok-aaaaaaaaaaaa', 'tok-bbbbbbbbbbbb'));
  });

  it('(d) updatekeys after adding a recipient: only the recipients block and the MAC line change', async () => {
    const repo = await repoWithSecret();
    const second = await repo.ws.keygen('second.yaml');
    const configPath = repo.ws.path('repo', '.gitseal.yaml');
    writeFileSync(configPath, repo.ws.read('repo/.gitseal.yaml').replace(/^recipients:\n/m, `recipients:\n  - ${second.recipient}\n`));
    // verify notices the missing recipient first.
    const before = await repo.ws.run(['verify', FILE], { cwd: repo.dir });
    expect(before.status).toBe(1);
    expect(before.stdout).toContain('updatekeys');

    await repo.run(['updatekeys', FILE]);
    expect(numstat(repo.dir, FILE)).toBe(`5\t1\t${FILE}`);
    const { removed, added } = changedLines(repo.dir, FILE);
    expect(removed.every(isMacLine)).toBe(true);
    expect(added.filter((l) => !isMacLine(l)).every(isRecipientLine)).toBe(true);
    expect(added.filter((l) => !isMacLine(l))).toHaveLength(4);
    expect(added).toContain(`      - kid: ${second.kid}`);
    const after = repo.ws.read(`repo/${FILE}`);
    expect(valueLines(after)).toEqual(valueLines(repo.committed));
    expect(after.split('\n').find(isLayoutLine)).toBe(repo.committed.split('\n').find(isLayoutLine));

    const bySecond = await repo.ws.run(['decrypt', '--key', second.file, FILE], { cwd: repo.dir });
    expect(bySecond.stdout).toBe(FIVE_VALUE_SECRET);
    expect((await repo.ws.run(['verify', FILE], { cwd: repo.dir })).status).toBe(0);
  });

  it('(e) rotate: every value line, the layout, the wraps and the MAC change; the plaintext does not', async () => {
    const repo = await repoWithSecret();
    await repo.run(['rotate', FILE]);
    const before = repo.committed.split('\n');
    const after = repo.ws.read(`repo/${FILE}`).split('\n');
    const oldValues = valueLines(repo.committed);
    const newValues = valueLines(after.join('\n'));
    expect(newValues).toHaveLength(oldValues.length);
    for (const line of oldValues) expect(after).not.toContain(line);
    // New DEK: the name tokens change too, so no value line keeps even its token.
    const oldTokens = new Set(oldValues.map(tokenOf));
    expect(newValues.filter((l) => oldTokens.has(tokenOf(l)))).toEqual([]);
    for (const pick of [isLayoutLine, isMacLine]) expect(after.find(pick)).not.toBe(before.find(pick));
    const wraps = (lines: string[]) => lines.filter((l) => /^ {8}(enc|dek): /.test(l));
    for (const line of wraps(before)) expect(after).not.toContain(line);
    expect(await decrypted(repo)).toBe(FIVE_VALUE_SECRET);
  });

  it('(f) re-encrypting an unchanged plaintext over the output changes nothing at all', async () => {
    const repo = await repoWithSecret();
    await repo.run(['encrypt', '../plain/secret.yaml', '-o', FILE]);
    expect(numstat(repo.dir)).toBe('');
    expect(repo.ws.read(`repo/${FILE}`)).toBe(repo.committed);
    // The same for set to the value already there.
    await repo.run(['set', FILE, 'stringData.username', 'admin']);
    expect(numstat(repo.dir)).toBe('');
  });

  it('(g) unset: the value line goes; the layout and MAC lines change; nothing else', async () => {
    const repo = await repoWithSecret();
    await repo.run(['unset', FILE, 'stringData.api-token']);
    expect(numstat(repo.dir)).toBe(`2\t3\t${FILE}`);
    const { removed, added } = changedLines(repo.dir, FILE);
    expect(removed.filter(isMacLine)).toHaveLength(1);
    expect(removed.filter(isLayoutLine)).toHaveLength(1);
    expect(valueLines(removed.join('\n'))).toHaveLength(1);
    expect(added.filter(isMacLine)).toHaveLength(1);
    expect(added.filter(isLayoutLine)).toHaveLength(1);
    expect(await decrypted(repo)).toBe(FIVE_VALUE_SECRET.replace('  api-token: tok-aaaaaaaaaaaa\n', ''));
  });
});
