/**
 * Canary secrets: random markers in values (plain, base64 in `data`, generic
 * YAML and JSON) go through every command, succeeding and failing. The
 * marker must never show up in an encrypted file, on stderr, on stdout
 * (except from decrypt and exec-env, whose job it is), or in any file left
 * in the workspace, os.tmpdir() or /dev/shm. `edit`'s plaintext must sit on
 * a RAM filesystem, mode 0600, and be gone when edit returns.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aliasBomb, SECRET_HEADER, valueLines } from './helpers/fixtures.js';
import { mapLimit } from './helpers/cli.js';
import { filesContaining, snapshotTree, tempLeftovers } from './helpers/tree.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

/** One random marker per test; every canary value contains it. */
function canaries() {
  const marker = randomBytes(12).toString('hex');
  const value = (n: number) => `CANARY-${marker}-${n}`;
  const b64 = (n: number) => Buffer.from(value(n)).toString('base64');
  // The marker, and the base64 forms the tests store in `data`.
  const needles = [marker, ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(b64)];
  const leaks = (text: string) => needles.filter((n) => text.includes(n)).map((n) => n.slice(0, 10));
  return { marker, value, b64, needles, leaks };
}
type Canaries = ReturnType<typeof canaries>;

/** An EDITOR that records where its file is (path, file mode, folder mode, filesystem) and applies `sed -e "$GS_SED"`. */
function recordingEditor(ws: Workspace): { editor: string; log: string } {
  const log = ws.path('editor.log');
  const editor = ws.write(
    'editor.sh',
    `#!/bin/sh
f="$1"; d=$(dirname "$f")
printf '%s %s %s %s\\n' "$f" "$(stat -c %a "$f")" "$(stat -c %a "$d")" "$(stat -f -c %T "$d")" >> "${log}"
[ -n "$GS_SED" ] && sed -i -e "$GS_SED" "$f"
exit "\${GS_EXIT:-0}"
`,
  );
  chmodSync(editor, 0o755);
  return { editor, log };
}

/** Runs a command and checks its stderr (and stdout, unless it is meant to print plaintext) for the canaries. */
async function runChecked(ws: Workspace, c: Canaries, args: string[], opts: { env?: Record<string, string>; input?: string; status?: number; printsPlaintext?: boolean } = {}) {
  const r = await ws.run(args, { env: opts.env ?? {}, input: opts.input ?? '' });
  const what = `gitseal ${args.map((a) => a.replaceAll(c.marker, '<marker>')).join(' ')}`;
  expect(c.leaks(r.stderr), `${what}: canary on stderr`).toEqual([]);
  if (!opts.printsPlaintext) expect(c.leaks(r.stdout), `${what}: canary on stdout`).toEqual([]);
  expect(r.status, `${what} (stderr without canaries: ${c.leaks(r.stderr).length ? '<withheld>' : r.stderr})`).toBe(opts.status ?? 0);
  return r;
}

/** After removing the plaintext inputs: no file in the workspace, os.tmpdir() or /dev/shm holds a canary. */
function expectNoLeftovers(ws: Workspace, c: Canaries, since: number): void {
  rmSync(ws.path('plain'), { recursive: true, force: true });
  const roots = [ws.dir, tmpdir(), ...(existsSync('/dev/shm') ? ['/dev/shm'] : [])];
  expect(filesContaining(roots, c.needles, since)).toEqual([]);
  expect(tempLeftovers(ws.dir)).toEqual([]);
}

function plaintexts(c: Canaries) {
  return {
    secret: `${SECRET_HEADER}stringData:\n  password: ${c.value(1)}\n  token: "${c.value(2)}"   # comment\ndata:\n  blob: ${c.b64(3)}\n`,
    values: `app:\n  token: ${c.value(4)}\n  list: [one, ${c.value(5)}]\n  nested: {deep: '${c.value(6)}'}\nport: 8080\n`,
    json: `{\n  "apiKey": "${c.value(7)}",\n  "n": 1\n}\n`,
  };
}

// Linux only: edit needs a RAM filesystem (/dev/shm), and the recording editor uses GNU stat and sed.
describe.skipIf(process.platform !== 'linux')('canary values never leak', { concurrent: true }, () => {
  it('through every command that succeeds; edit keeps its plaintext in RAM, 0600, and removes it', async () => {
    const since = Date.now();
    const c = canaries();
    const ws = await newWorkspace();
    const p = plaintexts(c);
    ws.write('plain/secret.yaml', p.secret);
    ws.write('plain/values.yaml', p.values);
    ws.write('plain/config.json', p.json);
    const { editor, log } = recordingEditor(ws);
    const files = ['secret.enc.yaml', 'values.enc.yaml', 'config.enc.json'];

    const [, , json] = await Promise.all([
      runChecked(ws, c, ['encrypt', 'plain/secret.yaml', '-o', 'secret.enc.yaml']),
      runChecked(ws, c, ['encrypt', 'plain/values.yaml', '-o', 'values.enc.yaml']),
      runChecked(ws, c, ['encrypt', '-'], { input: p.json }),
    ]);
    ws.write('config.enc.json', json.stdout);

    expect((await runChecked(ws, c, ['decrypt', 'secret.enc.yaml'], { printsPlaintext: true })).stdout).toBe(p.secret);
    await runChecked(ws, c, ['decrypt', 'values.enc.yaml', '-o', 'plain/values.out.yaml']);
    expect(ws.read('plain/values.out.yaml')).toBe(p.values);

    await runChecked(ws, c, ['set', 'secret.enc.yaml', 'stringData.password', c.value(8)]);
    await runChecked(ws, c, ['set', 'values.enc.yaml', 'app.token', '-'], { input: `${c.value(9)}\n` });
    await runChecked(ws, c, ['set', '--base64', 'secret.enc.yaml', 'data.extra', c.value(9)]);
    await runChecked(ws, c, ['set', 'config.enc.json', 'apiKey', '-'], { input: c.value(8) });
    await runChecked(ws, c, ['unset', 'secret.enc.yaml', 'stringData.token']);
    await runChecked(ws, c, ['edit', 'secret.enc.yaml'], { env: { EDITOR: editor, GS_SED: `s/${c.value(8)}/${c.value(1)}/` } });
    await runChecked(ws, c, ['edit', 'values.enc.yaml'], { env: { EDITOR: editor } }); // no change

    // edit's plaintext: a RAM filesystem, 0600 in a 0700 folder, gone afterwards.
    const edits = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(edits).toHaveLength(2);
    for (const [path, fileMode, dirMode, fsType] of edits) {
      expect(path!.startsWith('/dev/shm/gitseal-')).toBe(true); // no GITSEAL_RAM_DIR or XDG_RUNTIME_DIR here
      expect(fsType).toMatch(/^(tmpfs|ramfs)$/);
      expect(fileMode).toBe('600');
      expect(dirMode).toBe('700');
      expect(existsSync(path!)).toBe(false);
      expect(existsSync(dirname(path!))).toBe(false);
    }

    const report = JSON.parse((await runChecked(ws, c, ['verify', '--json', ...files])).stdout) as { ok: boolean };
    expect(report.ok).toBe(true);
    const second = await ws.keygen('second.yaml');
    ws.write('.gitseal.yaml', ws.read('.gitseal.yaml').replace(/^recipients:\n/m, `recipients:\n  - ${second.recipient}\n`));
    await runChecked(ws, c, ['updatekeys', ...files]);
    await runChecked(ws, c, ['rotate', ...files]);

    const env = await runChecked(ws, c, ['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'printf "%s|%s" "$password" "$extra"'], { printsPlaintext: true });
    expect(env.stdout).toBe(`${c.value(1)}|${c.value(9)}`);
    expect((await runChecked(ws, c, ['decrypt', '--key', 'second.yaml', 'values.enc.yaml'], { printsPlaintext: true })).stdout).toContain(c.value(9));
    expect((await runChecked(ws, c, ['decrypt', 'config.enc.json'], { printsPlaintext: true })).stdout).toBe(p.json.replace(c.value(7), c.value(8)));

    for (const f of files) expect(c.leaks(ws.read(f)), f).toEqual([]);
    expectNoLeftovers(ws, c, since);
  });

  it('through every command that fails, with the files left as they were', async () => {
    const since = Date.now();
    const c = canaries();
    const ws = await newWorkspace();
    const p = plaintexts(c);
    const { editor, log } = recordingEditor(ws);
    ws.write('plain/secret.yaml', p.secret);
    await runChecked(ws, c, ['encrypt', 'plain/secret.yaml', '-o', 'secret.enc.yaml']);
    const enc = ws.read('secret.enc.yaml');
    const line = valueLines(enc)[3]!;
    ws.write('tampered.enc.yaml', enc.replace(line, line.slice(0, -3) + (line.endsWith('AAA') ? 'BBB' : 'AAA')));
    await ws.keygen('other.yaml');

    const s = (body: string) => `${SECRET_HEADER}${body}`;
    const inputs: Record<string, [string, number]> = {
      'malformed.yaml': [s(`stringData:\n  password: ${c.value(1)}\n  bad: [unclosed\n`), 10],
      'dup.yaml': [s(`stringData:\n  password: ${c.value(1)}\n  password: ${c.value(2)}\n`), 11],
      'bomb.yaml': [s('stringData:\n' + aliasBomb('  ').replace('"lol"', `"${c.value(3)}"`)), 12],
      'seq.yaml': [`- ${c.value(1)}\n- ${c.value(2)}\n`, 13],
      'complex.yaml': [`? [a, b]\n: ${c.value(1)}\n`, 14],
      'notb64.yaml': [s(`data:\n  blob: ${c.value(1)}\n`), 19],
      'badkey.yaml': [s(`stringData:\n  "bad key": ${c.value(1)}\n`), 19],
      'nonstring.yaml': [s(`stringData:\n  nested: {inner: ${c.value(1)}}\n`), 19],
      'big.yaml': [s(`stringData:\n  blob: "${c.value(1)}${'x'.repeat(1024 * 1024)}"\n`), 20],
    };
    for (const [name, [text]] of Object.entries(inputs)) ws.write(`plain/${name}`, text);
    /** The workspace's files, except the editor's log, which edit runs append to. */
    const snapshot = () => {
      const { 'editor.log': _log, ...rest } = snapshotTree(ws.dir);
      return rest;
    };
    const before = snapshot();

    const failing: Array<{ args: string[]; status: number; env?: Record<string, string>; input?: string }> = [
      ...Object.entries(inputs).map(([name, [, status]]) => ({ args: ['encrypt', '-i', `plain/${name}`], status })),
      { args: ['encrypt', 'plain/secret.yaml', '-r', `gitseal1:mlkem1024-x25519:${c.b64(1)}`, '-o', 'x.enc.yaml'], status: 23 },
      { args: ['decrypt', '-i', 'plain/secret.yaml'], status: 16 },
      { args: ['set', 'plain/secret.yaml', 'stringData.password', c.value(4)], status: 16 },
      { args: ['set', 'secret.enc.yaml', 'nowhere.key', c.value(4)], status: 21 },
      { args: ['set', 'secret.enc.yaml', 'stringData.password', `{"x": "${c.value(4)}"}`, '--json'], status: 2 },
      { args: ['set', 'secret.enc.yaml', 'stringData.password', c.value(4), '--json'], status: 2 },
      { args: ['set', 'secret.enc.yaml', 'stringData.nested', '-', '--json'], input: `[${JSON.stringify(c.value(4))}]`, status: 2 },
      { args: ['decrypt', '-i', '--key', 'other.yaml', 'secret.enc.yaml'], status: 30 },
      { args: ['exec-env', '--key', 'other.yaml', 'secret.enc.yaml', '--', 'true'], status: 30 },
      { args: ['decrypt', '-i', 'tampered.enc.yaml'], status: 40 },
      { args: ['set', 'tampered.enc.yaml', 'stringData.password', c.value(4)], status: 40 },
      { args: ['edit', 'tampered.enc.yaml'], env: { EDITOR: editor }, status: 40 },
      { args: ['exec-env', 'tampered.enc.yaml', '--', 'true'], status: 40 },
      { args: ['verify', 'tampered.enc.yaml'], status: 1 },
      { args: ['verify', '--json', 'tampered.enc.yaml'], status: 1 },
      { args: ['exec-env', 'secret.enc.yaml', '--', 'no-such-command-xyz'], status: 51 },
      // Editors that fail, or leave something gitseal refuses: the plaintext file must still go.
      { args: ['edit', 'secret.enc.yaml'], env: { EDITOR: editor, GS_SED: `s/${c.value(1)}/${c.value(5)}/`, GS_EXIT: '3' }, status: 50 },
      { args: ['edit', 'secret.enc.yaml'], env: { EDITOR: editor, GS_SED: `s/^stringData:$/stringData: [${c.value(5)}/` }, status: 10 },
      { args: ['edit', 'secret.enc.yaml'], env: { EDITOR: editor, GS_SED: `s/^  token: .*$/  password: ${c.value(5)}/` }, status: 11 },
      { args: ['edit', 'secret.enc.yaml'], env: { EDITOR: editor, GS_SED: `s/^  blob: .*$/  blob: ${c.value(5)}/` }, status: 19 },
    ];
    // None of them writes anything, so they may run side by side; the snapshot afterwards names any file one touched.
    await mapLimit(failing, 4, async (f) => {
      const r = await runChecked(ws, c, f.args, { env: f.env ?? {}, input: f.input ?? '', status: f.status });
      expect(r.stderr).not.toContain('[E_INTERNAL]');
    });
    expect(snapshot()).toEqual(before);
    const edits = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]!);
    expect(edits).toHaveLength(7); // the three whose text is refused open the editor again, and stop when it is left as it was
    for (const path of edits) expect(existsSync(dirname(path))).toBe(false);
    expect(c.leaks(ws.read('secret.enc.yaml'))).toEqual([]);
    expectNoLeftovers(ws, c, since);
  });
});
