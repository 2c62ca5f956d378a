/**
 * The merge driver on real repositories: `git merge` of branches that
 * changed an encrypted file, at the value level.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync, chmodSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { valueLines } from './helpers/fixtures.js';
import { commitEncrypted, decrypted, makeRepo, setAndCommit, type Repo } from './helpers/git-repo.js';
import { filesContaining } from './helpers/tree.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const F = 'app-secret.yaml';
const canary = () => `CANARY-${randomBytes(9).toString('hex')}`;

const baseSecret = (password: string) => `apiVersion: v1
kind: Secret
metadata:
  name: app
  namespace: prod
type: Opaque
stringData:
  username: admin
  password: "${password}"
  api-token: tok-aaaaaaaaaaaa
  region: eu-west-1
data:
  cert: Y2VydGlmaWNhdGUtYnl0ZXM=
`;

/** main with the secret; branch `a` (checked out at the end) and branch `b` each changed by their callback. */
async function twoBranches(w: Workspace, a: (r: Repo) => Promise<void>, b: (r: Repo) => Promise<void>) {
  const repo = await makeRepo(w);
  await commitEncrypted(repo, F, baseSecret(canary()));
  repo.ok('checkout', '-q', '-b', 'b');
  await b(repo);
  const theirs = repo.read(F);
  repo.ok('checkout', '-q', 'main');
  repo.ok('checkout', '-q', '-b', 'a');
  await a(repo);
  const ours = repo.read(F);
  return { repo, ours, theirs };
}

/** The decrypted text sets `key` to `value` (quoted or not: `set` keeps the quoting style of the line). */
const hasValue = (plain: string, key: string, value: string): boolean =>
  new RegExp(`^ +${key}: "?${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"?$`, 'm').test(plain);

const between = (text: string): string[][] => {
  const hunks: string[][] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    if (l === '<<<<<<< ours') hunks.push([lines[i + 1]!, lines[i + 2]!, lines[i + 3]!, lines[i + 4]!]);
  });
  return hunks;
};

describe('gitseal git merge', () => {
  it('merges changes of different keys cleanly, keeping both sides\' ciphertexts', async () => {
    const w = await newWorkspace();
    const [user, region] = [canary(), canary()];
    const since = Date.now();
    const { repo, ours, theirs } = await twoBranches(
      w,
      (r) => setAndCommit(r, F, 'stringData.username', user),
      (r) => setAndCommit(r, F, 'stringData.region', region),
    );
    const m = repo.git(['merge', '--no-edit', 'b']);
    expect(m.status, m.stderr).toBe(0);
    expect(repo.ok('status', '--porcelain')).toBe('');
    const plain = await decrypted(repo, F);
    expect(hasValue(plain, 'username', user)).toBe(true);
    expect(hasValue(plain, 'region', region)).toBe(true);
    const known = new Set([...valueLines(ours), ...valueLines(theirs)]);
    expect(valueLines(repo.read(F)).filter((l) => !known.has(l))).toEqual([]);
    expect(filesContaining([repo.dir], [user, region], since)).toEqual([]);
  });

  it('merges a layout change on one side with a value change on the other', async () => {
    const w = await newWorkspace();
    const [extra, region] = [canary(), canary()];
    const { repo } = await twoBranches(
      w,
      (r) => setAndCommit(r, F, 'stringData.extra', extra),
      (r) => setAndCommit(r, F, 'stringData.region', region),
    );
    expect(repo.git(['merge', '--no-edit', 'b']).status).toBe(0);
    const plain = await decrypted(repo, F);
    expect(hasValue(plain, 'extra', extra)).toBe(true);
    expect(hasValue(plain, 'region', region)).toBe(true);
  });

  it('merges keys added on both sides through a merge of the decrypted text', async () => {
    const w = await newWorkspace();
    const [a, b] = [canary(), canary()];
    const since = Date.now();
    const { repo } = await twoBranches(
      w,
      (r) => setAndCommit(r, F, 'stringData.fromA', a),
      (r) => setAndCommit(r, F, 'data.fromB', Buffer.from(b).toString('base64')),
    );
    const m = repo.git(['merge', '--no-edit', 'b']);
    expect(m.status, m.stderr).toBe(0);
    const plain = await decrypted(repo, F);
    expect(hasValue(plain, 'fromA', a)).toBe(true);
    expect(hasValue(plain, 'fromB', Buffer.from(b).toString('base64'))).toBe(true);
    expect(filesContaining([repo.dir], [a], since)).toEqual([]);
  });

  it('marks the one entry both sides changed, merges the rest, and resolves with gitseal edit', async () => {
    const w = await newWorkspace();
    const [pwA, pwB, region] = [canary(), canary(), canary()];
    const since = Date.now();
    const { repo, ours, theirs } = await twoBranches(
      w,
      (r) => setAndCommit(r, F, 'stringData.password', pwA),
      async (r) => {
        await setAndCommit(r, F, 'stringData.password', pwB);
        await setAndCommit(r, F, 'stringData.region', region);
      },
    );
    const m = repo.git(['merge', '--no-edit', 'b']);
    expect(m.status).not.toBe(0);
    expect(m.stdout + m.stderr).toMatch(/conflict on stringData\.password/);
    expect(repo.ok('status', '--porcelain')).toBe(`UU ${F}\n`);
    const conflicted = repo.read(F);
    const hunks = between(conflicted);
    expect(hunks).toHaveLength(1);
    const [oursLine, split, theirsLine, end] = hunks[0]!;
    expect([split, end]).toEqual(['=======', '>>>>>>> theirs']);
    expect(valueLines(ours)).toContain(oursLine);
    expect(valueLines(theirs)).toContain(theirsLine);
    expect(oursLine!.split(':')[0]).toBe(theirsLine!.split(':')[0]);
    expect(filesContaining([repo.dir], [pwA, pwB, region], since)).toEqual([]);

    const refused = await repo.gitseal(['decrypt', F]);
    expect(refused.status).toBe(17);
    expect(refused.stderr).toMatch(/unresolved merge conflict.*gitseal edit/);

    // Keeping ours' line gives a valid file with theirs' other change merged.
    const keepOurs = conflicted.replace(/^<<<<<<< ours\n(.*)\n=======\n.*\n>>>>>>> theirs\n/m, '$1\n');
    repo.write(F, keepOurs);
    const plainOurs = await decrypted(repo, F);
    expect(hasValue(plainOurs, 'password', pwA)).toBe(true);
    expect(hasValue(plainOurs, 'region', region)).toBe(true);

    // gitseal edit shows both values decrypted; this editor keeps theirs.
    repo.write(F, conflicted);
    const keepsMarkers = await repo.gitseal(['edit', F], { env: { EDITOR: 'true' } });
    expect(keepsMarkers.status).toBe(50);
    expect(repo.read(F)).toBe(conflicted);
    const editor = w.path('pick-theirs.sh');
    writeFileSync(editor, `#!/bin/sh\ngrep -c '^<<<<<<< ours$' "$1" > "${w.path('markers-seen')}"\nsed -i -e '/^<<<<<<< ours$/,/^=======$/d' -e '/^>>>>>>> theirs$/d' "$1"\n`);
    chmodSync(editor, 0o755);
    const edit = await repo.gitseal(['edit', F], { env: { EDITOR: editor } });
    expect(edit.status, edit.stderr).toBe(0);
    expect(w.read('markers-seen').trim()).toBe('1');
    const plainTheirs = await decrypted(repo, F);
    expect(hasValue(plainTheirs, 'password', pwB)).toBe(true);
    expect(hasValue(plainTheirs, 'region', region)).toBe(true);
    repo.ok('add', F);
    repo.ok('commit', '-q', '--no-edit');
    expect(repo.ok('status', '--porcelain')).toBe('');
  });

  it('does not merge a rotated side: both whole versions stay, each recoverable', async () => {
    const w = await newWorkspace();
    const region = canary();
    const { repo, ours, theirs } = await twoBranches(
      w,
      async (r) => {
        expect((await r.gitseal(['rotate', F])).status).toBe(0);
        r.ok('commit', '-q', '-a', '-m', 'rotate');
      },
      (r) => setAndCommit(r, F, 'stringData.region', region),
    );
    const m = repo.git(['merge', '--no-edit', 'b']);
    expect(m.status).not.toBe(0);
    expect(m.stderr + m.stdout).toMatch(/new data key/);
    expect(repo.ok('status', '--porcelain')).toBe(`UU ${F}\n`);
    expect(repo.read(F)).toBe(`<<<<<<< ours\n${ours}=======\n${theirs}>>>>>>> theirs\n`);
    const refused = await repo.gitseal(['decrypt', F]);
    expect(refused.status).toBe(17);
    expect(refused.stderr).toMatch(/git checkout --ours/);
    expect(repo.ok('show', `:2:${F}`)).toBe(ours);
    expect(repo.ok('show', `:3:${F}`)).toBe(theirs);
    repo.ok('checkout', '--theirs', F);
    expect(hasValue(await decrypted(repo, F), 'region', region)).toBe(true);
    repo.ok('checkout', '--ours', F);
    expect((await repo.gitseal(['decrypt', F])).status).toBe(0);
  });

  it('without a key, leaves both whole versions', async () => {
    const w = await newWorkspace();
    const { repo, ours, theirs } = await twoBranches(
      w,
      (r) => setAndCommit(r, F, 'stringData.username', canary()),
      (r) => setAndCommit(r, F, 'stringData.region', canary()),
    );
    const m = repo.git(['merge', '--no-edit', 'b'], { noKey: true });
    expect(m.status).not.toBe(0);
    expect(m.stderr + m.stdout).toMatch(/no key at hand/);
    expect(repo.read(F)).toBe(`<<<<<<< ours\n${ours}=======\n${theirs}>>>>>>> theirs\n`);
  });

  it('does not merge (and so sign) a side whose writer the user does not accept: both whole versions stay', async () => {
    const w = await newWorkspace();
    expect((await w.run(['keygen', '--writer', '--name', 'alice'])).status).toBe(0);
    expect((await w.run(['trust', 'require', 'on'])).status).toBe(0);
    const forged = baseSecret('attacker-chosen').replace('eu-west-1', 'evil-region');
    const { repo, ours, theirs } = await twoBranches(
      w,
      (r) => setAndCommit(r, F, 'stringData.username', canary()),
      async (r) => {
        // Someone with push access and only the public recipient rewrites the file on branch b.
        const e = await r.gitseal(['encrypt', '-', '-o', F], { input: forged, env: { XDG_CONFIG_HOME: w.path('attacker-config') } });
        expect(e.status, e.stderr).toBe(0);
        r.ok('commit', '-q', '-a', '-m', 'rotate region');
      },
    );
    expect(theirs).not.toContain('signature:');
    const m = repo.git(['merge', '--no-edit', 'b']);
    expect(m.status).not.toBe(0);
    expect(m.stderr + m.stdout).toContain(`${F} (theirs): document 1 is unsigned [E_UNSIGNED]`);
    expect(repo.read(F)).toBe(`<<<<<<< ours\n${ours}=======\n${theirs}>>>>>>> theirs\n`);
  });

  it('merges files gitseal did not encrypt as git would', async () => {
    const w = await newWorkspace();
    const repo = await makeRepo(w);
    const N = 'notes-secret.yaml';
    repo.write(N, 'a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n');
    repo.ok('add', '-A');
    repo.ok('commit', '-q', '--no-verify', '-m', 'plain');
    repo.ok('checkout', '-q', '-b', 'b');
    repo.write(N, 'a: 1\nb: 2\nc: 3\nd: 4\ne: five\n');
    repo.ok('commit', '-q', '--no-verify', '-a', '-m', 'b');
    repo.ok('checkout', '-q', 'main');
    repo.write(N, 'a: one\nb: 2\nc: 3\nd: 4\ne: 5\n');
    repo.ok('commit', '-q', '--no-verify', '-a', '-m', 'a');
    expect(repo.ok('check-attr', 'merge', '--', N)).toContain('merge: gitseal');
    const m = repo.git(['merge', '--no-edit', '--no-verify', 'b']);
    expect(m.status, m.stderr).toBe(0);
    expect(repo.read(N)).toBe('a: one\nb: 2\nc: 3\nd: 4\ne: five\n');
  });
});
