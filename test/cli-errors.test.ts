/**
 * Every failure has the exit status of README's table and its [E_CODE] on
 * stderr, and leaves every file as it was: same bytes, no new files, no
 * temporary files (`.NAME.gitseal-HEX.tmp`) left behind, even with -i.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { aliasBomb, SECRET, SECRET_HEADER, valueLines } from './helpers/fixtures.js';
import { snapshotTree, tempLeftovers } from './helpers/tree.js';
import { makeWorkspace, useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

/** Made once: an encrypted Secret (for the shared key every workspace of this file has) and an unrelated keystore. */
let enc = '';
let otherKeystore = '';
beforeAll(async () => {
  const ws = await makeWorkspace();
  try {
    ws.write('s.yaml', SECRET);
    const r = await ws.run(['encrypt', 's.yaml']);
    expect(r.status, r.stderr).toBe(0);
    enc = r.stdout;
    await ws.keygen('other.yaml');
    otherKeystore = ws.read('other.yaml');
  } finally {
    ws.cleanup();
  }
});

/** Changes one character in the middle of the first value's ciphertext. */
function tamperValue(text: string): string {
  const line = valueLines(text)[0]!;
  const at = line.indexOf(': v1.') + 20;
  const swapped = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
  return text.replace(line, swapped);
}

interface Case {
  readonly name: string;
  /** Files to write into the workspace (computed once the fixtures exist). */
  readonly files: () => Record<string, string>;
  readonly args: readonly string[];
  readonly env?: (ws: Workspace) => Record<string, string>;
  readonly status: number;
  readonly code: string;
}

const secretWith = (body: string) => `${SECRET_HEADER}${body}`;
const bigSecret = () => secretWith(`stringData:\n  blob: "${'x'.repeat(1024 * 1024 + 10)}"\n`);
const noRecipients = (text: string) => text.replace(/^ {4}recipients:\n(?: {6}- kid: .*\n(?: {8}.*\n){3})+/m, '    recipients: []\n');

const CASES: Case[] = [
  { name: 'malformed YAML, -i', files: () => ({ 'bad.yaml': 'stringData: [unclosed\n  a: b\n' }), args: ['encrypt', '-i', 'bad.yaml'], status: 10, code: 'E_YAML' },
  { name: 'malformed JSON', files: () => ({ 'bad.json': '{"a": [1, 2}\n' }), args: ['encrypt', 'bad.json', '-o', 'bad.enc.json'], status: 10, code: 'E_YAML' },
  { name: 'duplicate keys', files: () => ({ 'dup.yaml': secretWith('stringData:\n  a: "1"\n  a: "2"\n') }), args: ['encrypt', 'dup.yaml', '-o', 'dup.enc.yaml'], status: 11, code: 'E_DUPLICATE_KEY' },
  { name: 'alias bomb in a Secret, -i', files: () => ({ 'bomb.yaml': secretWith('stringData:\n' + aliasBomb('  ')) }), args: ['encrypt', '-i', 'bomb.yaml'], status: 12, code: 'E_ALIAS_LIMIT' },
  { name: 'alias bomb in a generic file (readable paths expand it)', files: () => ({ 'bomb.yaml': aliasBomb() }), args: ['encrypt', '-i', 'bomb.yaml'], status: 12, code: 'E_ALIAS_LIMIT' },
  { name: 'root is a sequence', files: () => ({ 'seq.yaml': '- a\n- b\n' }), args: ['encrypt', '-i', 'seq.yaml'], status: 13, code: 'E_NOT_MAPPING' },
  { name: 'root is a scalar in the second document', files: () => ({ 'sc.yaml': 'a: 1\n---\njust a string\n' }), args: ['encrypt', '-i', 'sc.yaml'], status: 13, code: 'E_NOT_MAPPING' },
  { name: 'complex key', files: () => ({ 'cx.yaml': '? [a, b]\n: 1\n' }), args: ['encrypt', '-i', 'cx.yaml'], status: 14, code: 'E_UNSUPPORTED' },
  { name: 'encrypting an encrypted file, -i', files: () => ({ 's.enc.yaml': enc }), args: ['encrypt', '-i', 's.enc.yaml'], status: 15, code: 'E_ALREADY_ENCRYPTED' },
  { name: 'decrypting a plaintext file, -i', files: () => ({ 's.yaml': SECRET }), args: ['decrypt', '-i', 's.yaml'], status: 16, code: 'E_NOT_ENCRYPTED' },
  { name: 'set on a plaintext file', files: () => ({ 's.yaml': SECRET }), args: ['set', 's.yaml', 'stringData.username', 'x'], status: 16, code: 'E_NOT_ENCRYPTED' },
  { name: 'encrypted file without its envelope, -i', files: () => ({ 's.enc.yaml': enc.replace(/^ {2}envelope:\n/m, '') }), args: ['decrypt', '-i', 's.enc.yaml'], status: 17, code: 'E_FORMAT' },
  { name: 'encrypted file with no recipients', files: () => ({ 's.enc.yaml': noRecipients(enc) }), args: ['decrypt', 's.enc.yaml', '-o', 'out.yaml'], status: 17, code: 'E_FORMAT' },
  { name: 'envelope version 2', files: () => ({ 's.enc.yaml': enc.replace(/^ {4}version: 1$/m, '    version: 2') }), args: ['decrypt', '-i', 's.enc.yaml'], status: 18, code: 'E_VERSION' },
  { name: 'invalid Secret name', files: () => ({ 's.yaml': SECRET.replace('name: db', 'name: Not_A_Name') }), args: ['encrypt', '-i', 's.yaml'], status: 19, code: 'E_SECRET_INVALID' },
  { name: 'invalid data key', files: () => ({ 's.yaml': SECRET.replace('  host:', '  "bad key!":') }), args: ['encrypt', '-i', 's.yaml'], status: 19, code: 'E_SECRET_INVALID' },
  { name: 'data value not base64', files: () => ({ 's.yaml': SECRET.replace('c2VjcmV0LWtleS1tYXRlcmlhbA==', 'not base64 at all!') }), args: ['encrypt', '-i', 's.yaml'], status: 19, code: 'E_SECRET_INVALID' },
  { name: 'Secret over 1 MiB', files: () => ({ 'big.yaml': bigSecret() }), args: ['encrypt', '-i', 'big.yaml'], status: 20, code: 'E_TOO_LARGE' },
  { name: 'set under a parent that does not exist', files: () => ({ 's.enc.yaml': enc }), args: ['set', 's.enc.yaml', 'nowhere.key', 'x'], status: 21, code: 'E_PATH' },
  { name: 'set with a malformed path', files: () => ({ 's.enc.yaml': enc }), args: ['set', 's.enc.yaml', 'a..b', 'x'], status: 21, code: 'E_PATH' },
  { name: 'set on a mapping', files: () => ({ 's.enc.yaml': enc }), args: ['set', 's.enc.yaml', 'stringData', 'x'], status: 21, code: 'E_PATH' },
  { name: 'unset of a missing key', files: () => ({ 's.enc.yaml': enc }), args: ['unset', 's.enc.yaml', 'stringData.nope'], status: 21, code: 'E_PATH' },
  { name: 'invalid .gitseal.yaml', files: () => ({ 'sub/.gitseal.yaml': 'recipients: [unclosed\n', 'sub/s.yaml': SECRET }), args: ['encrypt', '-i', 'sub/s.yaml'], status: 22, code: 'E_CONFIG' },
  { name: '.gitseal.yaml with a bad scope', files: () => ({ 'sub/.gitseal.yaml': 'scope: everywhere\n', 'sub/s.yaml': SECRET }), args: ['encrypt', 'sub/s.yaml'], status: 22, code: 'E_CONFIG' },
  { name: 'malformed -r recipient', files: () => ({ 's.yaml': SECRET }), args: ['encrypt', 's.yaml', '-r', 'gitseal1:mlkem1024-x25519:AAAA', '-o', 's.enc.yaml'], status: 23, code: 'E_RECIPIENT' },
  { name: 'unknown recipient type', files: () => ({ 's.yaml': SECRET }), args: ['encrypt', '-i', 's.yaml', '-r', 'age1qqqq'], status: 23, code: 'E_RECIPIENT' },
  { name: 'no recipients configured', files: () => ({ 'sub/.gitseal.yaml': 'recipients: []\n', 'sub/s.yaml': SECRET }), args: ['encrypt', '-i', 'sub/s.yaml'], status: 24, code: 'E_NO_RECIPIENTS' },
  { name: 'malformed keystore', files: () => ({ 's.enc.yaml': enc, 'ks.yaml': 'gitseal-keystore: 9\n' }), args: ['decrypt', '--key', 'ks.yaml', 's.enc.yaml'], status: 25, code: 'E_KEYSTORE' },
  { name: 'wrong key, -i', files: () => ({ 's.enc.yaml': enc, 'other.yaml': otherKeystore }), args: ['decrypt', '-i', '--key', 'other.yaml', 's.enc.yaml'], status: 30, code: 'E_NO_KEY' },
  { name: 'set with a wrong key (GITSEAL_KEY_FILE)', files: () => ({ 's.enc.yaml': enc, 'other.yaml': otherKeystore }), args: ['set', 's.enc.yaml', 'stringData.username', 'x'], env: (ws) => ({ GITSEAL_KEY_FILE: ws.path('other.yaml') }), status: 30, code: 'E_NO_KEY' },
  { name: 'no key at all', files: () => ({ 's.enc.yaml': enc }), args: ['decrypt', 's.enc.yaml'], env: (ws) => ({ XDG_CONFIG_HOME: ws.path('empty-config') }), status: 30, code: 'E_NO_KEY' },
  { name: 'tampered value, -i', files: () => ({ 's.enc.yaml': tamperValue(enc) }), args: ['decrypt', '-i', 's.enc.yaml'], status: 40, code: 'E_TAMPERED' },
  { name: 'set on a tampered file', files: () => ({ 's.enc.yaml': tamperValue(enc) }), args: ['set', 's.enc.yaml', 'stringData.username', 'x'], status: 40, code: 'E_TAMPERED' },
  { name: 'ciphertexts swapped between two keys', files: () => ({ 's.enc.yaml': swapFirstTwoCiphertexts(enc) }), args: ['decrypt', 's.enc.yaml'], status: 40, code: 'E_TAMPERED' },
  // The namespace is in the DEK wrap's AAD, so the wrap fails first: E_TAMPERED, not E_SCOPE.
  { name: 'moved to another namespace', files: () => ({ 's.enc.yaml': enc.replace('namespace: payments', 'namespace: other') }), args: ['decrypt', '-i', 's.enc.yaml'], status: 40, code: 'E_TAMPERED' },
  { name: 'renamed', files: () => ({ 's.enc.yaml': enc.replace('name: db', 'name: db2') }), args: ['decrypt', 's.enc.yaml'], status: 40, code: 'E_TAMPERED' },
  { name: 'namespace removed (strict scope)', files: () => ({ 's.enc.yaml': enc.replace('  namespace: payments\n', '') }), args: ['decrypt', '-i', 's.enc.yaml'], status: 41, code: 'E_SCOPE' },
  { name: 'unknown command', files: () => ({}), args: ['frobnicate', 'x.yaml'], status: 2, code: 'E_USAGE' },
  { name: 'mistyped command', files: () => ({ 's.enc.yaml': enc }), args: ['decrpyt', '-i', 's.enc.yaml'], status: 2, code: 'E_USAGE' },
  { name: 'mistyped option', files: () => ({ 's.enc.yaml': enc }), args: ['decrypt', 's.enc.yaml', '--ouptut', 'out.yaml'], status: 2, code: 'E_USAGE' },
  { name: 'unknown help topic', files: () => ({}), args: ['help', 'decrpyt'], status: 2, code: 'E_USAGE' },
  { name: '-i and -o together', files: () => ({ 's.yaml': SECRET }), args: ['encrypt', '-i', '-o', 'out.yaml', 's.yaml'], status: 2, code: 'E_USAGE' },
  { name: 'missing input file', files: () => ({}), args: ['decrypt', 'missing.enc.yaml'], status: 3, code: 'E_IO' },
  { name: 'editor fails', files: () => ({ 's.enc.yaml': enc }), args: ['edit', 's.enc.yaml'], env: () => ({ EDITOR: 'false' }), status: 50, code: 'E_EDITOR' },
  { name: 'exec-env command not found', files: () => ({ 's.enc.yaml': enc }), args: ['exec-env', 's.enc.yaml', '--', 'no-such-command-xyz'], status: 51, code: 'E_EXEC' },
];

/** Each of the first two tokens gets the other's ciphertext (swapping whole lines is only a reorder, which is allowed). */
function swapFirstTwoCiphertexts(text: string): string {
  const [a, b] = valueLines(text).map((l) => l.split(': '));
  return text.replace(a!.join(': '), '\0').replace(b!.join(': '), `${b![0]}: ${a![1]}`).replace('\0', `${a![0]}: ${b![1]}`);
}

describe('failures: exit status, [E_CODE], files untouched, no temporary files', () => {
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ws = await newWorkspace();
    for (const [name, text] of Object.entries(c.files())) ws.write(name, text);
    const before = snapshotTree(ws.dir);
    const r = await ws.run(c.args, { env: c.env?.(ws) ?? {} });
    expect(r.status, describeRun(c.args, r)).toBe(c.status);
    expect(r.stderr).toContain(`[${c.code}]`);
    expect(r.stderr).not.toContain('[E_INTERNAL]');
    expect(r.stdout).toBe('');
    expect(snapshotTree(ws.dir)).toEqual(before);
    expect(tempLeftovers(ws.dir)).toEqual([]);
  });
});

describe('alias bombs in generic files', () => {
  it('with no readable paths: encrypted quickly without expanding, decrypts to the same bytes; exec-env refuses to expand', async () => {
    const ws = await newWorkspace({ init: false });
    ws.write('.gitseal.yaml', `recipients:\n  - ${ws.recipient}\nreadable: []\n`);
    const bomb = aliasBomb();
    ws.write('bomb.yaml', bomb);
    const e = await ws.run(['encrypt', 'bomb.yaml', '-o', 'bomb.enc.yaml'], { timeoutMs: 60_000 });
    expect(e.signal).toBeNull(); // did not hang
    expect(e.status, e.stderr).toBe(0);
    expect(ws.bytes('bomb.enc.yaml').length).toBeLessThan(64 * 1024); // aliases stay aliases
    expect((await ws.run(['decrypt', 'bomb.enc.yaml'])).stdout).toBe(bomb);

    const x = await ws.run(['exec-env', 'bomb.enc.yaml', '--', 'true'], { timeoutMs: 60_000 });
    expect(x.signal).toBeNull();
    expect(x.status).toBe(12);
    expect(x.stderr).toContain('[E_ALIAS_LIMIT]');
  });
});

describe('verify reports problems with status 1', () => {
  it('a tampered file: MAC failed, status 1, file untouched', async () => {
    const ws = await newWorkspace();
    ws.write('s.enc.yaml', tamperValue(enc));
    const before = snapshotTree(ws.dir);
    const r = await ws.run(['verify', '--json', 's.enc.yaml']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; files: Array<{ documents: Array<{ mac: string; problems: Array<{ code: string }> }> }> };
    expect(report.ok).toBe(false);
    expect(report.files[0]!.documents[0]!.mac).toBe('failed');
    expect(report.files[0]!.documents[0]!.problems.map((p) => p.code)).toEqual(['E_TAMPERED']);
    expect(snapshotTree(ws.dir)).toEqual(before);
  });
});
