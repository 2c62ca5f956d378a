/**
 * End to end: the built CLI encrypts and decrypts back to the exact bytes,
 * through every way in and out (file, stdin, -o, -i), with the key from
 * every place (default keystore, --key, GITSEAL_KEY_FILE, passphrase).
 */
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { GENERIC_YAML, JSON_DOC, MULTI, SECRET, valueLines } from './helpers/fixtures.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

async function ok(ws: Workspace, args: string[], opts: Parameters<Workspace['run']>[1] = {}) {
  const r = await ws.run(args, opts);
  expect(r.status, describeRun(args, r)).toBe(0);
  return r;
}

const modeOf = (p: string) => statSync(p).mode & 0o777;

describe.concurrent('encrypt → decrypt is byte-exact', () => {
  it('a Secret with data and stringData, via file arguments and -o', async () => {
    const ws = await newWorkspace();
    ws.write('secret.yaml', SECRET);
    await ok(ws, ['encrypt', 'secret.yaml', '-o', 'secret.enc.yaml']);
    const enc = ws.read('secret.enc.yaml');
    expect(enc).toMatch(/^apiVersion: gitseal\.dev\/v1\nkind: EncryptedSecret\nmetadata:\n  name: db\n  namespace: payments\nspec:\n/);
    // Values, key names and structure are hidden.
    for (const leak of ['payments_app', 'correct horse', 'username', 'password', 'tls.key', 'c2VjcmV0', 'rotated quarterly', 'Opaque'])
      expect(enc).not.toContain(leak);
    expect(valueLines(enc)).toHaveLength(12); // every value, including apiVersion, kind, name and namespace
    expect(ws.read('secret.yaml')).toBe(SECRET); // the input is untouched

    const dec = await ok(ws, ['decrypt', 'secret.enc.yaml']);
    expect(dec.stdout).toBe(SECRET);
    // Only the writer line: no writer key is set up, so the document is unsigned, which is a warning.
    expect(dec.stderr).toBe('gitseal: secret.enc.yaml#1 payments/db: unsigned (warning: anyone with the public key can write such a document; requireSignatures: true refuses it)\n');
  });

  it('a generic YAML file (encrypt to stdout, decrypt -o) keeps the readable paths and every byte', async () => {
    const ws = await newWorkspace();
    ws.write('values.yaml', GENERIC_YAML);
    const enc = (await ok(ws, ['encrypt', 'values.yaml'])).stdout;
    expect(enc).toMatch(/^apiVersion: example\.com\/v1\nkind: AppConfig\nmetadata:\n  name: api\ngitseal:\n/);
    for (const leak of ['s3cr3t', 'replicas', 'api.internal', 'defaults', 'timeout']) expect(enc).not.toContain(leak);
    ws.write('values.enc.yaml', enc);
    await ok(ws, ['decrypt', 'values.enc.yaml', '-o', 'values.out.yaml']);
    expect(ws.bytes('values.out.yaml').equals(Buffer.from(GENERIC_YAML))).toBe(true);
  });

  it('a JSON file stays JSON', async () => {
    const ws = await newWorkspace();
    ws.write('config.json', JSON_DOC);
    await ok(ws, ['encrypt', 'config.json', '-o', 'config.enc.json']);
    const enc = JSON.parse(ws.read('config.enc.json')) as Record<string, unknown>;
    expect(Object.keys(enc)).toEqual(['gitseal']);
    expect(ws.read('config.enc.json')).not.toContain('sk-live');
    expect((await ok(ws, ['decrypt', 'config.enc.json'])).stdout).toBe(JSON_DOC);
  });

  it('a multi-document file gets one envelope per document', async () => {
    const ws = await newWorkspace();
    ws.write('multi.yaml', MULTI);
    await ok(ws, ['encrypt', 'multi.yaml', '-o', 'multi.enc.yaml']);
    const enc = ws.read('multi.enc.yaml');
    const ids = [...enc.matchAll(/^ {4}id: (\S+)$/gm)].map((m) => m[1]);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(enc.match(/^kind: EncryptedSecret$/gm)).toHaveLength(2);
    expect(enc).toContain('kind: ConfigMap\nmetadata:\n  name: cm\ngitseal:\n');
    expect((await ok(ws, ['decrypt', 'multi.enc.yaml'])).stdout).toBe(MULTI);
  });

  it('reads standard input for "-" both ways', async () => {
    const ws = await newWorkspace();
    const enc = (await ok(ws, ['encrypt', '-'], { input: SECRET })).stdout;
    expect(enc).toContain('kind: EncryptedSecret');
    expect((await ok(ws, ['decrypt', '-'], { input: enc })).stdout).toBe(SECRET);
    await ok(ws, ['decrypt', '-', '-o', 'out.yaml'], { input: enc });
    expect(ws.read('out.yaml')).toBe(SECRET);
    // -i needs a file.
    const r = await ws.run(['decrypt', '-i', '-'], { input: enc });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('[E_USAGE]');
  });

  it('-i replaces the file in place, both ways, keeping its mode', async () => {
    const ws = await newWorkspace();
    const p = ws.write('app.json', JSON_DOC);
    chmodSync(p, 0o640);
    await ok(ws, ['encrypt', '-i', 'app.json']);
    expect(ws.read('app.json')).toContain('"gitseal"');
    expect(ws.read('app.json')).not.toContain('sk-live');
    expect(modeOf(p)).toBe(0o640);
    await ok(ws, ['decrypt', '-i', 'app.json']);
    expect(ws.read('app.json')).toBe(JSON_DOC);
    expect(modeOf(p)).toBe(0o600); // plaintext written by decrypt is the user's alone
  });
});

describe.concurrent('keys', () => {
  it('a passphrase-sealed keystore (GITSEAL_PASSPHRASE): right passphrase decrypts, wrong or missing gives E_PASSPHRASE', async () => {
    const ws = await newWorkspace();
    const pass = 'tr0ub4dor&3 passphrase';
    const key = await ws.keygen('sealed.yaml', { args: ['--passphrase'], env: { GITSEAL_PASSPHRASE: pass } });
    const store = ws.read('sealed.yaml');
    expect(store).toMatch(/sealed: \{ ?kdf: scrypt/);
    expect(store).not.toMatch(/^\s*secret:/m);
    expect(store).not.toContain(pass);
    expect(modeOf(key.file)).toBe(0o600);

    ws.write('s.yaml', SECRET);
    await ok(ws, ['encrypt', 's.yaml', '-r', key.recipient, '-o', 's.enc.yaml']);
    expect(ws.read('s.enc.yaml')).toContain(`kid: ${key.kid}`);

    expect((await ok(ws, ['decrypt', '--key', 'sealed.yaml', 's.enc.yaml'], { env: { GITSEAL_PASSPHRASE: pass } })).stdout).toBe(SECRET);

    const wrong = await ws.run(['decrypt', '--key', 'sealed.yaml', 's.enc.yaml'], { env: { GITSEAL_PASSPHRASE: 'not it' } });
    expect(wrong.status).toBe(31);
    expect(wrong.stderr).toContain('[E_PASSPHRASE]');
    expect(wrong.stderr).not.toContain('not it');
    expect(wrong.stdout).toBe('');

    const missing = await ws.run(['decrypt', '--key', 'sealed.yaml', 's.enc.yaml']); // stdin is not a terminal: no prompt
    expect(missing.status).toBe(31);
    expect(missing.stderr).toContain('GITSEAL_PASSPHRASE');

    const empty = await ws.run(['keygen', '--passphrase', '-o', 'empty.yaml'], { env: { GITSEAL_PASSPHRASE: '' } });
    expect(empty.status).toBe(31);
  });

  it('--key and GITSEAL_KEY_FILE choose the keystore; --key wins', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('other-key.yaml');
    ws.write('s.yaml', SECRET);
    await ok(ws, ['encrypt', 's.yaml', '-r', other.recipient, '-o', 's.enc.yaml']);

    const byDefault = await ws.run(['decrypt', 's.enc.yaml']); // the workspace's default keystore is not a recipient
    expect(byDefault.status).toBe(30);
    expect((await ok(ws, ['decrypt', '--key', 'other-key.yaml', 's.enc.yaml'])).stdout).toBe(SECRET);
    expect((await ok(ws, ['decrypt', 's.enc.yaml'], { env: { GITSEAL_KEY_FILE: other.file } })).stdout).toBe(SECRET);
    expect((await ok(ws, ['decrypt', '--key', other.file, 's.enc.yaml'], { env: { GITSEAL_KEY_FILE: ws.file } })).stdout).toBe(SECRET);
    expect((await ws.run(['decrypt', '--key', ws.file, 's.enc.yaml'], { env: { GITSEAL_KEY_FILE: other.file } })).status).toBe(30);
  });

  it('an unrelated key gives E_NO_KEY (exit 30) naming both kids', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('unrelated.yaml');
    ws.write('s.yaml', SECRET);
    await ok(ws, ['encrypt', 's.yaml', '-o', 's.enc.yaml']);
    const r = await ws.run(['decrypt', '--key', 'unrelated.yaml', 's.enc.yaml']);
    expect(r.status).toBe(30);
    expect(r.stderr).toContain('[E_NO_KEY]');
    expect(r.stderr).toContain(other.kid); // yours
    expect(r.stderr).toContain(ws.kid); // the file's
    expect(r.stdout).toBe('');
  });

  it('two recipients (-r twice): either key decrypts', async () => {
    const ws = await newWorkspace();
    const a = await ws.keygen('a.yaml');
    const b = await ws.keygen('b.yaml');
    ws.write('m.yaml', MULTI);
    await ok(ws, ['encrypt', 'm.yaml', '-r', a.recipient, '-r', b.recipient, '-o', 'm.enc.yaml']);
    const enc = ws.read('m.enc.yaml');
    expect(enc.match(new RegExp(`kid: ${a.kid}$`, 'gm'))).toHaveLength(3);
    expect(enc.match(new RegExp(`kid: ${b.kid}$`, 'gm'))).toHaveLength(3);
    expect((await ok(ws, ['decrypt', '--key', 'a.yaml', 'm.enc.yaml'])).stdout).toBe(MULTI);
    expect((await ok(ws, ['decrypt', '--key', 'b.yaml', 'm.enc.yaml'])).stdout).toBe(MULTI);
    expect((await ws.run(['decrypt', 'm.enc.yaml'])).status).toBe(30); // the default key was not asked for
  });

  it('keygen writes its keystore 0600 in a 0700 folder; decrypt -o writes 0600, even over a 0644 file', async () => {
    const ws = await newWorkspace({ freshKey: true });
    expect(modeOf(ws.file)).toBe(0o600);
    expect(modeOf(ws.path('config', 'gitseal'))).toBe(0o700);
    const again = await ws.run(['keygen']);
    expect(again.status).toBe(3); // never overwrites a key without --force
    expect(again.stderr).toContain('--force');

    ws.write('s.yaml', SECRET);
    await ok(ws, ['encrypt', 's.yaml', '-o', 's.enc.yaml']);
    await ok(ws, ['decrypt', 's.enc.yaml', '-o', 'new.yaml']);
    expect(modeOf(ws.path('new.yaml'))).toBe(0o600);
    writeFileSync(ws.path('old.yaml'), 'placeholder\n', { mode: 0o644 });
    await ok(ws, ['decrypt', 's.enc.yaml', '-o', 'old.yaml']);
    expect(modeOf(ws.path('old.yaml'))).toBe(0o600);
    expect(ws.read('old.yaml')).toBe(SECRET);
  });

  it('-o to a FIFO or through a symlink writes into it and never replaces it (think -o /dev/null)', async () => {
    const ws = await newWorkspace();
    ws.write('s.yaml', SECRET);
    await ok(ws, ['encrypt', 's.yaml', '-o', 's.enc.yaml']);

    execFileSync('mkfifo', [ws.path('fifo')]);
    const reader = spawn('sh', ['-c', 'cat fifo > fifo.out'], { cwd: ws.dir, stdio: 'ignore' });
    const done = new Promise<number | null>((resolve) => reader.on('exit', resolve));
    const timer = setTimeout(() => reader.kill('SIGKILL'), 10_000);
    try {
      await ok(ws, ['decrypt', 's.enc.yaml', '-o', 'fifo']);
      expect(await done).toBe(0);
    } finally {
      clearTimeout(timer);
      reader.kill('SIGKILL');
    }
    expect(lstatSync(ws.path('fifo')).isFIFO()).toBe(true);
    expect(ws.read('fifo.out')).toBe(SECRET);

    ws.write('real.yaml', 'old\n');
    symlinkSync('real.yaml', ws.path('link.yaml'));
    await ok(ws, ['decrypt', 's.enc.yaml', '-o', 'link.yaml']);
    expect(readlinkSync(ws.path('link.yaml'))).toBe('real.yaml');
    expect(ws.read('real.yaml')).toBe(SECRET);
  });
});
