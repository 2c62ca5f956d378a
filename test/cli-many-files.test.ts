/**
 * Issue 17: one command for many files (`encrypt -i`, `decrypt -i`, `rotate`, `updatekeys`), all or
 * nothing; and what decrypt prints (`--extract`, `--output-type yaml|json|dotenv`), through the built CLI.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeRun, gitsealCommand } from './helpers/cli.js';
import { JSON_DOC, MULTI, SECRET } from './helpers/fixtures.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

async function ok(ws: Workspace, args: string[], input?: string) {
  const r = await ws.run(args, input === undefined ? {} : { input });
  expect(r.status, describeRun(args, r)).toBe(0);
  return r;
}

const secretNamed = (name: string, value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: default\nstringData:\n  token: "${value}"\n`;

describe.concurrent('many files in one command', () => {
  it('encrypt -i and decrypt -i take many files, and give each back byte for byte', async () => {
    const ws = await newWorkspace();
    const names = Array.from({ length: 12 }, (_, i) => `s${i}.yaml`);
    names.forEach((n, i) => ws.write(n, secretNamed(`s${i}`, `canary-many-${i}`)));
    await ok(ws, ['encrypt', '-i', ...names]);
    names.forEach((n) => expect(ws.read(n)).toMatch(/^apiVersion: gitseal\.dev\/v1\nkind: EncryptedSecret\n/));
    names.forEach((n) => expect(ws.read(n)).not.toContain('canary-many'));
    await ok(ws, ['decrypt', '-i', ...names]);
    names.forEach((n, i) => expect(ws.read(n)).toBe(secretNamed(`s${i}`, `canary-many-${i}`)));
  });

  it('shows progress on a terminal (under script(1)), and none when stderr is a pipe', async () => {
    const ws = await newWorkspace();
    const names = ['p0.yaml', 'p1.yaml', 'p2.yaml'];
    names.forEach((n, i) => ws.write(n, secretNamed(`p${i}`, 'v')));
    const { file, args } = gitsealCommand(['encrypt', '-i', ...names]);
    const quoted = [file, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const tty = spawnSync('script', ['-qec', quoted, '/dev/null'], { cwd: ws.dir, env: { ...process.env, ...ws.env }, encoding: 'utf8' });
    expect(tty.status, tty.stdout + tty.stderr).toBe(0);
    expect(tty.stdout).toContain('encrypting 3/3');
    const piped = await ok(ws, ['verify', ...names]);
    expect(piped.stderr).not.toMatch(/verifying \d/);
  });

  it('a passphrase-sealed keystore is asked for once, on the terminal, however many files decrypt -i opens', async () => {
    const ws = await newWorkspace();
    const pass = 'many files one passphrase';
    const key = await ws.keygen('sealed.yaml', { args: ['--passphrase'], env: { GITSEAL_PASSPHRASE: pass } });
    const names = ['q0.yaml', 'q1.yaml', 'q2.yaml'];
    names.forEach((n, i) => ws.write(n, secretNamed(`q${i}`, `canary-q${i}`)));
    await ok(ws, ['encrypt', '-i', '-r', key.recipient, ...names]);
    const { file, args } = gitsealCommand(['decrypt', '-i', '--key', 'sealed.yaml', ...names]);
    const quoted = [file, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    // One line of input: a second prompt would wait for a line that never comes, until the timeout.
    const tty = spawnSync('script', ['-qec', quoted, '/dev/null'], { cwd: ws.dir, env: { ...process.env, ...ws.env }, input: `${pass}\n`, encoding: 'utf8', timeout: 30_000 });
    expect(tty.status, tty.stdout + tty.stderr).toBe(0);
    expect(tty.stdout.match(/Passphrase for/g)).toHaveLength(1);
    names.forEach((n, i) => expect(ws.read(n)).toBe(secretNamed(`q${i}`, `canary-q${i}`)));
  });

  it('one bad file leaves every file as it was', async () => {
    const ws = await newWorkspace();
    ws.write('a.yaml', secretNamed('a', 'canary-a'));
    ws.write('b.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: b, namespace: default}\nstringData:\n  x: [unclosed\n');
    ws.write('c.yaml', secretNamed('c', 'canary-c'));
    const r = await ws.run(['encrypt', '-i', 'a.yaml', 'b.yaml', 'c.yaml']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E_YAML/);
    expect(ws.read('a.yaml')).toBe(secretNamed('a', 'canary-a'));
    expect(ws.read('c.yaml')).toBe(secretNamed('c', 'canary-c'));

    await ok(ws, ['encrypt', '-i', 'a.yaml', 'c.yaml']);
    const [a, c] = [ws.read('a.yaml'), ws.read('c.yaml')];
    ws.write('c.yaml', c.replace(/v1\.[A-Za-z0-9_-]{10}/, (m) => `${m.slice(0, -1)}${m.endsWith('A') ? 'B' : 'A'}`));
    const tampered = ws.read('c.yaml');
    for (const cmd of [['decrypt', '-i'], ['rotate'], ['updatekeys']]) {
      const t = await ws.run([...cmd, 'a.yaml', 'c.yaml']);
      expect(t.status, describeRun(cmd, t)).not.toBe(0);
      expect(ws.read('a.yaml')).toBe(a);
      expect(ws.read('c.yaml')).toBe(tampered);
    }
  });

  it('several files need -i, and one file is named once', async () => {
    const ws = await newWorkspace();
    ws.write('a.yaml', secretNamed('a', 'x'));
    ws.write('b.yaml', secretNamed('b', 'y'));
    for (const args of [['encrypt', 'a.yaml', 'b.yaml'], ['encrypt', 'a.yaml', 'b.yaml', '-o', 'out.yaml'], ['decrypt', 'a.yaml', 'b.yaml'], ['encrypt', '-i', 'a.yaml', './a.yaml']]) {
      const r = await ws.run(args);
      expect(r.status, describeRun(args, r)).toBe(2);
      expect(r.stderr).toMatch(/E_USAGE/);
    }
    expect(ws.read('a.yaml')).toBe(secretNamed('a', 'x'));
  });
});

describe.concurrent('decrypt --extract and --output-type', () => {
  it('--extract prints one value raw, by gitseal or sops path syntax; a missing or ambiguous path is E_PATH', async () => {
    const ws = await newWorkspace();
    ws.write('s.yaml', SECRET);
    await ok(ws, ['encrypt', 's.yaml', '-o', 's.enc.yaml']);
    expect((await ok(ws, ['decrypt', 's.enc.yaml', '--extract', 'stringData.password'])).stdout).toBe('correct horse battery staple');
    expect((await ok(ws, ['decrypt', 's.enc.yaml', '--extract', '["stringData"]["password"]'])).stdout).toBe('correct horse battery staple');
    expect((await ok(ws, ['decrypt', 's.enc.yaml', '--extract', 'stringData.dsn'])).stdout).toBe('postgres://payments_app@db.payments.svc:5432/payments?sslmode=require\n');
    expect((await ok(ws, ['decrypt', 's.enc.yaml', '--extract', 'metadata.labels', '--output-type', 'json'])).stdout).toBe('{\n  "app": "payments"\n}\n');
    const missing = await ws.run(['decrypt', 's.enc.yaml', '--extract', 'stringData.nope']);
    expect([missing.status, missing.stderr]).toEqual([expect.any(Number), expect.stringMatching(/no document has stringData\.nope.*E_PATH/)]);

    ws.write('m.yaml', MULTI);
    await ok(ws, ['encrypt', 'm.yaml', '-o', 'm.enc.yaml']);
    const twice = await ws.run(['decrypt', 'm.enc.yaml', '--extract', 'kind']);
    expect(twice.stderr).toMatch(/documents 1, 2, 3 all have kind.*E_PATH/);
    const d = await ws.run(['decrypt', 'm.enc.yaml', '-i', '--extract', 'kind']);
    expect(d.stderr).toMatch(/E_USAGE/);
  });

  it('--output-type json and dotenv; yaml of a JSON file; integers past 2^53 stay exact', async () => {
    const ws = await newWorkspace();
    ws.write('s.yaml', SECRET);
    await ok(ws, ['encrypt', 's.yaml', '-o', 's.enc.yaml']);
    const json = JSON.parse((await ok(ws, ['decrypt', 's.enc.yaml', '--output-type', 'json'])).stdout) as { stringData: Record<string, string> };
    expect(json.stringData.password).toBe('correct horse battery staple');
    const dotenv = (await ok(ws, ['decrypt', 's.enc.yaml', '--output-type', 'dotenv'])).stdout;
    expect(dotenv).toContain('password="correct horse battery staple"\n');
    expect(dotenv).toContain('port=5432\n');
    expect(dotenv).toContain('dsn="postgres://payments_app@db.payments.svc:5432/payments?sslmode=require\\n"\n');

    ws.write('big.yaml', 'apiVersion: example.com/v1\nkind: Settings\nid: 12345678901234567890\nsmall: 7\n');
    await ok(ws, ['encrypt', 'big.yaml', '-o', 'big.enc.yaml']);
    expect((await ok(ws, ['decrypt', 'big.enc.yaml', '--output-type', 'json'])).stdout).toMatch(/"id": 12345678901234567890,\n {2}"small": 7/);
    expect((await ok(ws, ['decrypt', 'big.enc.yaml', '--output-type', 'dotenv'])).stdout).toContain('id=12345678901234567890\n');

    ws.write('c.json', JSON_DOC);
    await ok(ws, ['encrypt', 'c.json', '-o', 'c.enc.json']);
    expect((await ok(ws, ['decrypt', 'c.enc.json'])).stdout).toBe(JSON_DOC);
    expect((await ok(ws, ['decrypt', 'c.enc.json', '--output-type', 'yaml'])).stdout).toMatch(/^apiKey: sk-live-1234567890\nlimits:\n {2}rpm: 600\n/);
  });

  it('dotenv prints NODE_OPTIONS (nothing runs with it) but refuses a name two documents set', async () => {
    const ws = await newWorkspace();
    ws.write('e.yaml', 'NODE_OPTIONS: --max-old-space-size=64\nTOKEN: abc\n---\nTOKEN: other\n');
    await ok(ws, ['encrypt', 'e.yaml', '-o', 'e.enc.yaml']);
    const r = await ws.run(['decrypt', 'e.enc.yaml', '--output-type', 'dotenv']);
    expect(r.stderr).toMatch(/documents 1 and 2 both set TOKEN.*E_ENV/);
    ws.write('f.yaml', 'NODE_OPTIONS: --max-old-space-size=64\nTOKEN: abc\n');
    await ok(ws, ['encrypt', 'f.yaml', '-o', 'f.enc.yaml']);
    expect((await ok(ws, ['decrypt', 'f.enc.yaml', '--output-type', 'dotenv'])).stdout).toBe('NODE_OPTIONS=--max-old-space-size=64\nTOKEN=abc\n');
  });
});
