/**
 * Writers end to end (issue 14): writer keys sign what gitseal writes, the
 * user's own trust file decides whose signatures count, and an attacker with
 * push access and the public recipient cannot get a document of their own
 * accepted when signatures are required, nor launder one through `sign`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const CANARY = 'canary-7f3a9-do-not-print';
const SECRET = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: ${CANARY}\n  user: app\n`;
const FORGED = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: attacker\n  url: postgres://evil.example/app\n';

async function ok(ws: Workspace, args: string[], env: Record<string, string> = {}) {
  const r = await ws.run(args, { env });
  expect(r.status, describeRun(args, r)).toBe(0);
  expect(r.stderr).not.toContain(CANARY);
  return r;
}

/** The user: a writer key "alice" (in the workspace's config home) and an encrypted, signed secret.enc.yaml. */
async function aliceWorkspace(): Promise<Workspace & { writerKey: string }> {
  const ws = await newWorkspace();
  const k = await ok(ws, ['keygen', '--writer', '--name', 'alice']);
  ws.write('secret.yaml', SECRET);
  await ok(ws, ['encrypt', 'secret.yaml', '-o', 'secret.enc.yaml']);
  return Object.assign(ws, { writerKey: k.stdout.trim() });
}

/** The attacker: their own writer key (another file), and a document encrypted to the public recipient. */
async function attackerDocument(ws: Workspace, signed: boolean): Promise<{ text: string; key: string }> {
  ws.write('forged.yaml', FORGED);
  const k = await ok(ws, ['keygen', '--writer', '--name', 'alice', '-o', ws.path('mallory.yaml')]);
  // Signed with the attacker's own key, or unsigned: a config home with no writer key at all.
  const env = signed ? { GITSEAL_WRITER_KEY: ws.path('mallory.yaml') } : { XDG_CONFIG_HOME: ws.path('nobody') };
  const r = await ws.run(['encrypt', 'forged.yaml'], { env });
  expect(r.status, describeRun(['encrypt'], r)).toBe(0);
  return { text: r.stdout, key: k.stdout.trim() };
}

const requireInRepo = (ws: Workspace) => ws.write('.gitseal.yaml', ws.read('.gitseal.yaml') + 'requireSignatures: true\n');

describe.concurrent('writer keys', () => {
  it('encrypt signs with the writer key; decrypt and verify name the writer; values never appear on stderr', async () => {
    const ws = await aliceWorkspace();
    expect(ws.read('secret.enc.yaml')).toMatch(/^ {4}signature: w-[0-9a-f]{16}\.YWxpY2U\.[A-Za-z0-9_-]{4000,}$/m);
    const d = await ws.run(['decrypt', 'secret.enc.yaml']);
    expect(d.status).toBe(0);
    expect(d.stdout).toBe(SECRET);
    expect(d.stderr).toMatch(/secret\.enc\.yaml#1 payments\/db: signed by alice \(w-[0-9a-f]{16}\)\n$/);
    expect(d.stderr).not.toContain(CANARY);
  });

  it('with requireSignatures in .gitseal.yaml, the writer\'s own documents open, and encrypting without a writer key is E_UNSIGNED and writes nothing', async () => {
    const ws = await aliceWorkspace();
    requireInRepo(ws);
    await ok(ws, ['decrypt', 'secret.enc.yaml']);
    const r = await ws.run(['encrypt', 'secret.yaml', '-o', 'new.enc.yaml'], { env: { XDG_CONFIG_HOME: ws.path('other-home') } });
    expect(r.status, describeRun(['encrypt'], r)).toBe(42);
    expect(r.stderr).toContain('gitseal keygen --writer');
    expect(existsSync(ws.path('new.enc.yaml'))).toBe(false);
  });
});

describe.concurrent('an attacker with push access and the public recipient', () => {
  for (const signed of [false, true]) {
    const how = signed ? 'signed with their own writer key (named "alice")' : 'unsigned';
    it(`a forged document, ${how}, is refused when signatures are required: decrypt, exec-env, edit, set; no file changes`, async () => {
      const ws = await aliceWorkspace();
      const forged = await attackerDocument(ws, signed);
      ws.write('secret.enc.yaml', forged.text);
      requireInRepo(ws);
      const code = signed ? 43 : 42;
      const tag = signed ? '[E_UNTRUSTED_WRITER]' : '[E_UNSIGNED]';
      for (const args of [['decrypt', 'secret.enc.yaml'], ['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'touch ran'], ['set', 'secret.enc.yaml', 'stringData.user', 'x'], ['edit', 'secret.enc.yaml']]) {
        const r = await ws.run(args, { env: { EDITOR: 'touch ran; true' } });
        expect(r.status, describeRun(args, r)).toBe(code);
        expect(r.stderr).toContain(tag);
        expect(r.stdout).not.toContain('evil.example');
        if (signed) expect(r.stderr).toMatch(/signed by "alice" with w-[0-9a-f]{16}, a key you do not trust/);
      }
      expect(existsSync(ws.path('ran'))).toBe(false);
      expect(ws.read('secret.enc.yaml')).toBe(forged.text);
    });
  }

  it('declaring their key in .gitseal.yaml does not make it trusted, and verify says so', async () => {
    const ws = await aliceWorkspace();
    const forged = await attackerDocument(ws, true);
    ws.write('secret.enc.yaml', forged.text);
    ws.write('.gitseal.yaml', ws.read('.gitseal.yaml') + `requireSignatures: true\nwriters:\n  - name: alice\n    key: ${forged.key}\n`);
    const r = await ws.run(['decrypt', 'secret.enc.yaml']);
    expect(r.status).toBe(43);
    expect(r.stderr).toContain('.gitseal.yaml names it "alice", but a key is not trusted for being in the repository');
  });

  it('without requireSignatures a forged document opens with a warning naming it unsigned or untrusted', async () => {
    const ws = await aliceWorkspace();
    const forged = await attackerDocument(ws, false);
    ws.write('secret.enc.yaml', forged.text);
    const r = await ok(ws, ['decrypt', 'secret.enc.yaml']);
    expect(r.stderr).toContain('payments/db: unsigned (warning: anyone with the public key can write such a document; requireSignatures: true refuses it)');
  });

  it('a signature moved from one document to another, or changed in one byte, is E_TAMPERED even when not required', async () => {
    const ws = await aliceWorkspace();
    ws.write('two.yaml', `${SECRET}---\n${SECRET.replace('name: db', 'name: cache')}`);
    await ok(ws, ['encrypt', 'two.yaml', '-o', 'two.enc.yaml']);
    const text = ws.read('two.enc.yaml');
    const sigs = [...text.matchAll(/^ {4}signature: (.*)$/gm)].map((m) => m[1]!);
    expect(sigs).toHaveLength(2);
    const swapped = text.replace(sigs[0]!, '@SIG@').replace(sigs[1]!, sigs[0]!).replace('@SIG@', sigs[1]!);
    ws.write('two.enc.yaml', swapped);
    const r = await ws.run(['decrypt', 'two.enc.yaml']);
    expect(r.status).toBe(40);
    expect(r.stderr).toContain('signature by w-');
    const last = sigs[0]!.at(-10)!;
    ws.write('two.enc.yaml', text.replace(sigs[0]!, sigs[0]!.slice(0, -10) + (last === 'A' ? 'B' : 'A') + sigs[0]!.slice(-9)));
    expect((await ws.run(['decrypt', 'two.enc.yaml'])).status).toBe(40);
  });

  it('the owner trusts a writer explicitly: trust add, require on; then only trusted documents open', async () => {
    const ws = await aliceWorkspace();
    const bobHome = ws.path('bob-home');
    const bob = await ws.run(['keygen', '--writer', '--name', 'bob'], { env: { XDG_CONFIG_HOME: bobHome } });
    expect(bob.status).toBe(0);
    ws.write('bob.yaml', SECRET.replace('name: db', 'name: bob'));
    const sealed = await ws.run(['encrypt', 'bob.yaml', '-o', 'bob.enc.yaml'], { env: { GITSEAL_WRITER_KEY: `${bobHome}/gitseal/writer.yaml` } });
    expect(sealed.status, describeRun(['encrypt'], sealed)).toBe(0);
    await ok(ws, ['trust', 'require', 'on']);
    expect((await ws.run(['decrypt', 'bob.enc.yaml'])).status).toBe(43);
    await ok(ws, ['trust', 'add', 'bob', bob.stdout.trim()]);
    const d = await ok(ws, ['decrypt', 'bob.enc.yaml']);
    expect(d.stderr).toMatch(/signed by bob \(w-/);
    expect((await ok(ws, ['trust', 'list'])).stdout).toMatch(/^requireSignatures: true\nbob\tw-[0-9a-f]{16}\tgitseal-writer1:mldsa65-ed25519:/);
    await ok(ws, ['trust', 'remove', 'bob']);
    expect((await ws.run(['decrypt', 'bob.enc.yaml'])).status).toBe(43);
  });
});

describe.concurrent('gitseal sign', () => {
  it('signs an unsigned file by adding one line per document; no ciphertext line changes', async () => {
    const ws = await newWorkspace();
    ws.write('two.yaml', `${SECRET}---\n${SECRET.replace('name: db', 'name: cache')}`);
    await ok(ws, ['encrypt', 'two.yaml', '-o', 'two.enc.yaml']);
    const before = ws.read('two.enc.yaml');
    expect(before).not.toContain('signature:');
    await ok(ws, ['keygen', '--writer', '--name', 'carol']);
    const r = await ok(ws, ['sign', 'two.enc.yaml']);
    expect(r.stderr).toMatch(/two\.enc\.yaml#1: signed by carol \(w-[0-9a-f]{16}\); was unsigned/);
    const after = ws.read('two.enc.yaml');
    const added = after.split('\n').filter((l) => !before.split('\n').includes(l));
    expect(added).toHaveLength(2);
    expect(added.every((l) => l.startsWith('    signature: '))).toBe(true);
    expect(after.split('\n').filter((l) => !l.startsWith('    signature: ')).join('\n')).toBe(before.split('\n').join('\n'));
    const again = await ok(ws, ['sign', 'two.enc.yaml']);
    expect(again.stderr).toContain('2 document(s) already signed by you');
    expect(ws.read('two.enc.yaml')).toBe(after);
  });

  it('refuses a file whose signature does not verify, and one it cannot open; the file stays as it was', async () => {
    const ws = await aliceWorkspace();
    const text = ws.read('secret.enc.yaml');
    // A character well inside the signature: the last one carries padding bits, and changing it can make the text non-canonical (E_FORMAT).
    const broken = text.replace(/(signature: \S+)(.)(\S{100})$/m, (_, a: string, c: string, rest: string) => a + (c === 'A' ? 'B' : 'A') + rest);
    ws.write('secret.enc.yaml', broken);
    const r = await ws.run(['sign', 'secret.enc.yaml']);
    expect(r.status).toBe(40);
    expect(ws.read('secret.enc.yaml')).toBe(broken);
    ws.write('secret.enc.yaml', text);
    const noKey = await ws.run(['sign', 'secret.enc.yaml'], { env: { GITSEAL_KEY_FILE: ws.path('nokey.yaml') } });
    expect(noKey.status).not.toBe(0);
    expect(ws.read('secret.enc.yaml')).toBe(text);
  });
});

describe.concurrent('private key files others can read', () => {
  it('a keystore or writer key readable by group or others gets a warning, once (issue 15, finding 9)', async () => {
    const ws = await aliceWorkspace();
    chmodSync(ws.path('config', 'gitseal', 'keys.yaml'), 0o640);
    chmodSync(ws.path('config', 'gitseal', 'writer.yaml'), 0o644);
    const r = await ok(ws, ['set', 'secret.enc.yaml', 'stringData.user', 'x']);
    expect(r.stderr).toContain(`warning: the keystore ${ws.path('config', 'gitseal', 'keys.yaml')} is readable by its group (mode 0640)`);
    expect(r.stderr.match(/warning: the writer key .* is readable by others \(mode 0644\)/g)).toHaveLength(1);
  });
});

describe.concurrent('a writer removed from .gitseal.yaml', () => {
  it('the next re-encryption of a document they sealed gets a new DEK, and updatekeys says so', async () => {
    const ws = await aliceWorkspace();
    const bobHome = ws.path('bob-home');
    const bob = await ws.run(['keygen', '--writer', '--name', 'bob'], { env: { XDG_CONFIG_HOME: bobHome } });
    const config = ws.read('.gitseal.yaml');
    ws.write('.gitseal.yaml', config + `writers:\n  - name: alice\n    key: ${ws.writerKey}\n  - name: bob\n    key: ${bob.stdout.trim()}\n`);
    const byBob = await ws.run(['set', 'secret.enc.yaml', 'stringData.user', 'bob-was-here'], { env: { GITSEAL_WRITER_KEY: `${bobHome}/gitseal/writer.yaml` } });
    expect(byBob.status, describeRun(['set'], byBob)).toBe(0);
    const before = ws.read('secret.enc.yaml');
    const dek = (t: string) => /^ {8}dek: (\S+)$/m.exec(t)![1];
    // Still on the list: alice's updatekeys keeps the DEK.
    await ok(ws, ['updatekeys', 'secret.enc.yaml']);
    expect(dek(ws.read('secret.enc.yaml'))).toBe(dek(before));
    ws.write('.gitseal.yaml', config + `writers:\n  - name: alice\n    key: ${ws.writerKey}\n`);
    const r = await ok(ws, ['updatekeys', 'secret.enc.yaml']);
    expect(r.stderr).toContain('new data key for 1 of 1 document(s), since a recipient or its writer was removed');
    const after = ws.read('secret.enc.yaml');
    expect(dek(after)).not.toBe(dek(before));
    expect(after).toMatch(/signature: w-[0-9a-f]{16}\.YWxpY2U\./);
  });
});

describe.concurrent('copied files', () => {
  const git = (ws: Workspace, ...args: string[]) => execFileSync('git', args, { cwd: ws.dir, stdio: 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: ws.dir } });
  const ids = (text: string) => ({ file: /^ {4}file: (\S+)$/m.exec(text)![1], id: /^ {4}id: (\S+)$/m.exec(text)![1], dek: /^ {8}dek: (\S+)$/m.exec(text)![1] });

  it('the first re-encryption of a copy gets a new file id, document id and DEK; the original keeps its own', async () => {
    const ws = await aliceWorkspace();
    git(ws, 'init', '-q');
    git(ws, 'add', 'secret.enc.yaml');
    ws.write('copy.enc.yaml', ws.read('secret.enc.yaml'));
    const original = ids(ws.read('secret.enc.yaml'));
    const r = await ok(ws, ['set', 'copy.enc.yaml', 'stringData.user', 'other']);
    expect(r.stderr).toContain('copy.enc.yaml shares its file id with secret.enc.yaml (a copy): it gets a new file id, document ids and data keys');
    const copy = ids(ws.read('copy.enc.yaml'));
    expect(copy.file).not.toBe(original.file);
    expect(copy.id).not.toBe(original.id);
    expect(copy.dek).not.toBe(original.dek);
    expect(ids(ws.read('secret.enc.yaml'))).toEqual(original);
    // Once apart, a later edit keeps the copy's new ids.
    const second = await ok(ws, ['set', 'copy.enc.yaml', 'stringData.user', 'again']);
    expect(second.stderr).not.toContain('shares its file id');
    expect(ids(ws.read('copy.enc.yaml'))).toMatchObject({ file: copy.file, id: copy.id });
  });
});
