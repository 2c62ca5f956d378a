/**
 * `gitseal edit` as a SOPS user expects it (issue 17): a file that does not
 * exist is created from a template, with the recipients and scope of the
 * creation rules that match its path; text that cannot be encrypted opens
 * the editor again with the error on top (its line numbers those of the
 * editor's text) instead of losing the edit; an unchanged or empty text
 * writes nothing. The editor is a script that writes the text of each round
 * and keeps what it was shown.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

/** An EDITOR for `rounds`: round n keeps what it was shown and writes rounds[n - 1] (null: leaves the text as it is). */
function scriptedEditor(ws: Workspace, rounds: ReadonlyArray<string | null>): { env: Record<string, string>; shown: () => string[] } {
  const dir = ws.path('editor');
  mkdirSync(dir);
  rounds.forEach((text, i) => text !== null && writeFileSync(`${dir}/write-${i + 1}`, text));
  const editor = ws.write(
    'editor.sh',
    `#!/bin/sh
d="${dir}"; n=$(( $(cat "$d/count" 2>/dev/null || echo 0) + 1 )); echo $n > "$d/count"
cp "$1" "$d/shown-$n"
[ -f "$d/write-$n" ] && cat "$d/write-$n" > "$1"
exit 0
`,
  );
  chmodSync(editor, 0o755);
  const shown = () =>
    readdirSync(dir)
      .filter((f) => f.startsWith('shown-'))
      .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
      .map((f) => readFileSync(`${dir}/${f}`, 'utf8'));
  return { env: { EDITOR: editor, GITSEAL_RAM_DIR: '/dev/shm' }, shown };
}

const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\ntype: Opaque\nstringData:\n${body}`;
/** 17 good lines, then line 18. */
const SEVENTEEN = secret(Array.from({ length: 10 }, (_, i) => `  k${i}: v${i}\n`).join(''));

async function encrypted(ws: Workspace, name: string, plain: string): Promise<string> {
  ws.write(name, plain);
  const r = await ws.run(['encrypt', '-i', name]);
  expect(r.status, r.stderr).toBe(0);
  return ws.read(name);
}

async function decrypted(ws: Workspace, name: string, key?: string): Promise<string> {
  const r = await ws.run(['decrypt', name, ...(key ? ['--key', key] : [])]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe.skipIf(process.platform !== 'linux' || !existsSync('/dev/shm')).concurrent('gitseal edit', () => {
  it('creates a file that does not exist from a template, for the recipients and scope of the creation rule that matches it', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('other.yaml');
    const rule = `  - path_regex: '^prod/'\n    recipients: [${other.recipient}]\n    scope: namespace\n`;
    writeFileSync(ws.path('.gitseal.yaml'), ws.read('.gitseal.yaml').replace('creation_rules:\n', `creation_rules:\n${rule}`));
    mkdirSync(ws.path('prod'));
    const text = secret('  password: from-the-editor\n');
    const ed = scriptedEditor(ws, [text]);
    const r = await ws.run(['edit', 'prod/db.enc.yaml'], { env: ed.env });
    expect(r.status, describeRun(['edit'], r)).toBe(0);
    const [template] = ed.shown();
    expect(template).toContain('# gitseal: prod/db.enc.yaml does not exist');
    expect(template).toContain(`# gitseal: recipients: ${other.kid}; scope: namespace (the creation rule`);
    expect(template).toMatch(/\napiVersion: v1\nkind: Secret\nmetadata:\n {2}name: db\n {2}namespace: default\n/);
    const enc = ws.read('prod/db.enc.yaml');
    expect(enc).toContain(other.kid);
    expect(enc).not.toContain(ws.kid);
    expect(enc).not.toContain('from-the-editor');
    expect(await decrypted(ws, 'prod/db.enc.yaml', 'other.yaml')).toBe(text); // the comment block is gone
  });

  it('opens a JSON template for a JSON file, and writes nothing when it is left unchanged', async () => {
    const ws = await newWorkspace();
    const ed = scriptedEditor(ws, [null]);
    const r = await ws.run(['edit', 'api-secret.enc.json'], { env: ed.env });
    expect(r.status, describeRun(['edit'], r)).toBe(0);
    expect(ed.shown()[0]).toMatch(/\n\{\n {2}"apiVersion": "v1",\n {2}"kind": "Secret",\n {2}"metadata": \{\n {4}"name": "api-secret",/);
    expect(r.stderr).toContain('gitseal: no changes; nothing written; api-secret.enc.json was not created');
    expect(existsSync(ws.path('api-secret.enc.json'))).toBe(false);
  });

  it('writes nothing for an emptied template', async () => {
    const ws = await newWorkspace();
    const r = await ws.run(['edit', 'new-secret.enc.yaml'], { env: scriptedEditor(ws, ['\n']).env });
    expect(r.status, describeRun(['edit'], r)).toBe(0);
    expect(r.stderr).toContain('gitseal: the text is empty: nothing written; new-secret.enc.yaml was not created');
    expect(existsSync(ws.path('new-secret.enc.yaml'))).toBe(false);
  });

  it('refuses a new file in a folder that does not exist before the editor opens', async () => {
    const ws = await newWorkspace();
    const ed = scriptedEditor(ws, []);
    const r = await ws.run(['edit', 'nowhere/new-secret.enc.yaml'], { env: ed.env });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('[E_IO]');
    expect(ed.shown()).toEqual([]);
  });

  it('opens the editor again on text it cannot encrypt, with the error on top at the line the editor shows, then encrypts the fixed text', async () => {
    const ws = await newWorkspace();
    const before = await encrypted(ws, 's.enc.yaml', SEVENTEEN);
    const invalid = `${SEVENTEEN}  dsn: "postgres://db\n`; // line 18: the quote is never closed
    const fixed = `${SEVENTEEN}  dsn: "postgres://db"\n`;
    const ed = scriptedEditor(ws, [invalid, fixed]);
    const r = await ws.run(['edit', 's.enc.yaml'], { env: ed.env });
    expect(r.status, describeRun(['edit'], r)).toBe(0);
    expect(r.stderr).toContain('gitseal: invalid YAML at line 18, column 8: a quote or bracket that opens here is not closed [E_YAML]: opening the editor again');
    const [first, second] = ed.shown();
    expect(first).toBe(SEVENTEEN);
    const lines = second!.split('\n');
    expect(lines[0]).toBe('# gitseal: not encrypted: invalid YAML at line 21, column 8: a quote or bracket that opens here is not closed [E_YAML]');
    expect(lines.slice(0, 3).every((l) => l.startsWith('# gitseal: '))).toBe(true);
    expect(lines[20]).toBe('  dsn: "postgres://db'); // line 21 of what the editor shows
    expect(second!.slice(lines.slice(0, 3).join('\n').length + 1)).toBe(invalid);
    expect(ws.read('s.enc.yaml')).not.toBe(before);
    expect(await decrypted(ws, 's.enc.yaml')).toBe(fixed);
  });

  it('stops when the text is left as it was after an error: the error stands and the file is unchanged', async () => {
    const ws = await newWorkspace();
    const before = await encrypted(ws, 's.enc.yaml', SEVENTEEN);
    const ed = scriptedEditor(ws, [SEVENTEEN.replace('  k3: v3\n', '  k3: v3\n  k3: again\n'), null]);
    const r = await ws.run(['edit', 's.enc.yaml'], { env: ed.env });
    expect(r.status, describeRun(['edit'], r)).toBe(11);
    expect(r.stderr).toMatch(/gitseal: the key stringData\.k3 at line 12, column 3 appears twice in its mapping; s\.enc\.yaml is unchanged \[E_DUPLICATE_KEY\]/);
    expect(ed.shown()[1]).toMatch(/^# gitseal: not encrypted: the key stringData\.k3 at line 15, column 3 appears twice/);
    expect(ws.read('s.enc.yaml')).toBe(before);
  });

  it('stops when the text is emptied after an error, and a new file is then not created', async () => {
    const ws = await newWorkspace();
    const ed = scriptedEditor(ws, [secret('  a: [1\n'), '']);
    const r = await ws.run(['edit', 'db-secret.enc.yaml'], { env: ed.env });
    expect(r.status, describeRun(['edit'], r)).toBe(0);
    expect(ed.shown()).toHaveLength(2);
    expect(r.stderr).toContain('gitseal: the text is empty: nothing written; db-secret.enc.yaml was not created');
    expect(existsSync(ws.path('db-secret.enc.yaml'))).toBe(false);
  });
});
