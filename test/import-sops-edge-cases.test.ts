/**
 * The SOPS edge cases of issue 17 through the built CLI, one run per
 * user-visible behaviour (the conversions themselves are unit-tested in
 * migrate/sops/): binary and INI files refused (52), -i or -o into a dotenv
 * file refused (2) with every file as it was, a warning for a comment that
 * does not decrypt, import sops of clear values as Go sops reads them (017
 * is 15; an edit only Go tells apart is refused, 53), and export sops of
 * floats, 64-bit integers and !!binary as Go sops writes them. Canaries show
 * no value reaches stdout or stderr.
 * Files are encrypted and decrypted in process, to keep the file fast.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decodeKeystore } from '../core/crypto/keystore.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { decryptStream, encryptStream } from '../core/format/stream.js';
import { describeRun, type RunResult } from './helpers/cli.js';
import { ageKeyFor, plain as goPlain, SopsWriter } from './helpers/sops-writer.js';
import { snapshotTree } from './helpers/tree.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const marker = randomBytes(10).toString('hex');
const canary = (n: number) => `CANARY-${marker}-${n}`;

async function ageSetup() {
  const ws = await newWorkspace();
  const key = randomBytes(32);
  const age = await ageKeyFor(key);
  ws.write('id.txt', `${age.identity}\n`);
  return { ws, age, writer: new SopsWriter({ key, age: [age.entry] }) };
}

const encryptIn = (ws: Workspace, file: string, plain: string) => ws.write(file, encryptStream(plain, { recipients: [parseRecipient(ws.recipient)], scope: 'strict' }));
const decryptIn = (ws: Workspace, file: string) => decryptStream(ws.read(file), decodeKeystore(readFileSync(ws.file, 'utf8')));

async function ok(ws: Workspace, args: string[]): Promise<RunResult> {
  const r = await ws.run(args);
  expect(r.status, describeRun(args, r)).toBe(0);
  return r;
}

/** Runs a command that must fail with `status`, and checks it changed no file and printed no canary. */
async function refused(ws: Workspace, args: string[], status: number): Promise<RunResult> {
  const before = snapshotTree(ws.dir);
  const r = await ws.run(args);
  expect(r.status, describeRun(args, r)).toBe(status);
  expect(snapshotTree(ws.dir)).toEqual(before);
  expect(r.stdout + r.stderr).not.toContain(marker);
  return r;
}

describe('import sops refuses what gitseal cannot hold, and leaves every file as it was', () => {
  it('a SOPS binary file (sops -e file.txt): E_SOPS (52) saying so, never the {"data": …} wrapper', async () => {
    const { ws, writer } = await ageSetup();
    ws.write('file.txt', writer.binary(`user=app\npassword=${canary(1)}\n`));
    const r = await refused(ws, ['import', 'sops', '-i', 'file.txt', '--age-key', 'id.txt'], 52);
    expect(r.stderr).toContain('file.txt: this is a SOPS binary file');
  });

  it('a SOPS INI file: E_SOPS (52) saying INI is not supported', async () => {
    const { ws } = await ageSetup();
    ws.write('creds.ini', '[db]\npassword = ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]\n\n[sops]\nversion = 3.9.4\n');
    const r = await refused(ws, ['import', 'sops', 'creds.ini', '--age-key', 'id.txt'], 52);
    expect(r.stderr).toContain('creds.ini: this is a SOPS INI file');
  });

  it('-i on a dotenv file, or -o into one: E_USAGE (2), before any file is written', async () => {
    const { ws, writer } = await ageSetup();
    ws.write('a.sops.json', writer.json({ apiKey: canary(2) }));
    ws.write('c.sops.env', writer.dotenv({ DB_PASSWORD: canary(3) }));
    const r = await refused(ws, ['import', 'sops', '-i', 'a.sops.json', 'c.sops.env', '--age-key', 'id.txt'], 2);
    expect(r.stderr).toContain('c.sops.env: gitseal would write an encrypted YAML file into a dotenv file');
    expect((await refused(ws, ['import', 'sops', 'a.sops.json', '-o', 'prod.env', '--age-key', 'id.txt'], 2)).stderr).toContain('prod.env: gitseal would write');
    expect(existsSync(ws.path('prod.env'))).toBe(false);
  });
});

describe('import sops warns', () => {
  it('about a comment that looks SOPS-encrypted but does not decrypt, without printing it, and keeps it', async () => {
    const { ws, writer } = await ageSetup();
    const stranger = new SopsWriter();
    const text = writer.yaml([{ token: canary(4), b: 1 }]).replace(/^b:/m, `#${stranger.enc(` ${canary(5)}`, 'comment', ':')}\nb:`);
    ws.write('s.sops.yaml', text);
    const r = await ok(ws, ['import', 'sops', 's.sops.yaml', '--age-key', 'id.txt', '-o', 's.enc.yaml']);
    expect(r.stderr).toMatch(/warning: s\.sops\.yaml: 1 comment\(s\) look SOPS-encrypted but do not decrypt/);
    expect(r.stdout + r.stderr).not.toContain(marker);
    expect(decryptIn(ws, 's.enc.yaml')).toMatch(/^#ENC\[AES256_GCM,.*type:comment\]\nb: 1$/m);
  });
});

describe('import sops reads clear values as Go sops reads them', () => {
  it('017 and a date left clear import as sops -d shows them (15, RFC 3339), MAC checked; the file with 017 edited to 015 is refused (53)', async () => {
    const { ws, writer } = await ageSetup();
    const text = writer.yaml([{ password: canary(8), app_unencrypted: { port: goPlain('017', 15), expires: goPlain('2031-01-01', '2031-01-01T00:00:00Z'), rev: goPlain('1_000', 1000) } }]);
    ws.write('s.sops.yaml', text);
    ws.write('edited.sops.yaml', text.replace('port: 017\n', 'port: 015\n'));
    const r = await ok(ws, ['import', 'sops', 's.sops.yaml', '--age-key', 'id.txt', '-o', 's.enc.yaml']);
    expect(r.stderr).toBe('');
    expect(decryptIn(ws, 's.enc.yaml')).toBe(`password: ${canary(8)}\napp_unencrypted:\n  port: 15\n  expires: 2031-01-01T00:00:00Z\n  rev: 1000\n`);
    const bad = await refused(ws, ['import', 'sops', 'edited.sops.yaml', '--age-key', 'id.txt', '-o', 'edited.enc.yaml'], 53);
    expect(bad.stderr).toContain('the SOPS MAC does not match');
  });
});

describe('export sops writes values as Go sops does', () => {
  it('+Inf, -Inf, NaN, 64-bit integers and !!binary go out and come back through import sops; a larger integer is refused (14)', async () => {
    const { ws, age } = await ageSetup();
    const plain = `up: .inf\ndown: -.inf\nnan: .nan\nbig: 9007199254740993\nmin: -9223372036854775808\nblob: !!binary aGVsbG8=\nname: ${canary(6)}\n`;
    encryptIn(ws, 'v.enc.yaml', plain);
    encryptIn(ws, 'huge.enc.yaml', `name: ${canary(7)}\nn: 12345678901234567890\n`);

    const ex = await ok(ws, ['export', 'sops', 'v.enc.yaml', '--age', age.recipient, '-o', 'v.sops.yaml']);
    expect(ex.stderr).toContain('1 !!binary value(s) written as the string of their bytes');
    expect(ex.stdout + ex.stderr + ws.read('v.sops.yaml')).not.toContain(marker);
    const back = await ok(ws, ['import', 'sops', 'v.sops.yaml', '--age-key', 'id.txt', '-o', 'back.enc.yaml']);
    expect(back.stderr).toBe('');
    // What sops -d shows: the floats and integers as they were, the !!binary bytes as the text they are.
    expect(decryptIn(ws, 'back.enc.yaml')).toBe(plain.replace('!!binary aGVsbG8=', 'hello'));
    expect(parse(plain).blob).toEqual(Buffer.from('hello'));

    const r = await refused(ws, ['export', 'sops', 'huge.enc.yaml', '--age', age.recipient, '-o', 'huge.sops.yaml'], 14);
    expect(r.stderr).toContain('the integer at "n" does not fit in 64 bits');
  });
});
