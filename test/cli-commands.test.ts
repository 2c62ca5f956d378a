/** The smaller commands end to end: verify, exec-env, set, unset, init, and every command's --help. */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, mapLimit } from './helpers/cli.js';
import { GENERIC_YAML, SECRET } from './helpers/fixtures.js';
import { makeWorkspace, useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

async function ok(ws: Workspace, args: string[], opts: Parameters<Workspace['run']>[1] = {}) {
  const r = await ws.run(args, opts);
  expect(r.status, describeRun(args, r)).toBe(0);
  return r;
}

/** SECRET and GENERIC_YAML encrypted once, for the key every workspace of this file shares. */
const encrypted = { secret: '', values: '' };
beforeAll(async () => {
  const ws = await makeWorkspace();
  try {
    ws.write('secret.yaml', SECRET);
    ws.write('values.yaml', GENERIC_YAML);
    encrypted.secret = (await ok(ws, ['encrypt', 'secret.yaml'])).stdout;
    encrypted.values = (await ok(ws, ['encrypt', 'values.yaml'])).stdout;
  } finally {
    ws.cleanup();
  }
});

/** A workspace with secret.enc.yaml (from SECRET) and values.enc.yaml (from GENERIC_YAML). */
async function withEncrypted(): Promise<Workspace> {
  const ws = await newWorkspace();
  ws.write('secret.enc.yaml', encrypted.secret);
  ws.write('values.enc.yaml', encrypted.values);
  return ws;
}
const plain = async (ws: Workspace, file: string) => (await ok(ws, ['decrypt', file])).stdout;

interface VerifyReport {
  ok: boolean;
  files: Array<{
    file: string;
    ok: boolean;
    problems: Array<{ code: string; message: string }>;
    documents: Array<{ index: number; mode: string; name?: string; namespace?: string; scope: string; kids: string[]; values: number; mac: string; problems: Array<{ code: string; message: string }> }>;
  }>;
}

describe.concurrent('verify', () => {
  it('an intact file: status 0, MAC ok; --json has the documented shape', async () => {
    const ws = await withEncrypted();
    const text = (await ok(ws, ['verify', 'secret.enc.yaml', 'values.enc.yaml'])).stdout;
    expect(text).toBe(
      'secret.enc.yaml#1 payments/db (12 values, scope strict, MAC ok), unsigned: ok\n' + 'values.enc.yaml#1 generic (15 values, scope cluster, MAC ok), unsigned: ok\n',
    );
    const report = JSON.parse((await ok(ws, ['verify', '--json', 'secret.enc.yaml', 'values.enc.yaml'])).stdout) as VerifyReport;
    expect(report).toEqual({
      ok: true,
      base: null,
      config: [],
      files: [
        {
          file: 'secret.enc.yaml',
          ok: true,
          problems: [],
          documents: [{ index: 0, mode: 'secret', name: 'db', namespace: 'payments', scope: 'strict', kids: [ws.kid], values: 12, mac: 'ok', problems: [], writer: { status: 'unsigned', text: 'unsigned' } }],
        },
        {
          file: 'values.enc.yaml',
          ok: true,
          problems: [],
          documents: [{ index: 0, mode: 'generic', scope: 'cluster', kids: [ws.kid], values: 15, mac: 'ok', problems: [], writer: { status: 'unsigned', text: 'unsigned' } }],
        },
      ],
    });
  });

  it('a file missing a recipient .gitseal.yaml requires: status 1, says to run updatekeys; fixed by updatekeys', async () => {
    const ws = await withEncrypted();
    const second = await ws.keygen('second.yaml');
    ws.write('.gitseal.yaml', ws.read('.gitseal.yaml').replace(/^recipients:\n/m, `recipients:\n  - ${second.recipient}\n`));
    const r = await ws.run(['verify', 'secret.enc.yaml']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(second.kid);
    expect(r.stdout).toContain('gitseal updatekeys');
    expect(r.stdout).toContain('[E_RECIPIENT]');
    const report = JSON.parse((await ws.run(['verify', '--json', 'secret.enc.yaml'])).stdout) as VerifyReport;
    expect(report.ok).toBe(false);
    expect(report.files[0]!.documents[0]!.problems).toEqual([expect.objectContaining({ code: 'E_RECIPIENT', message: expect.stringContaining('updatekeys') })]);
    await ok(ws, ['updatekeys', 'secret.enc.yaml']);
    await ok(ws, ['verify', 'secret.enc.yaml']);
  });

  it('without a key (none at hand, or --without-key) the MAC is unchecked and structure still verified', async () => {
    const ws = await withEncrypted();
    const noKey = await ok(ws, ['verify', '--json', 'secret.enc.yaml'], { env: { XDG_CONFIG_HOME: ws.path('no-config') } });
    const report = JSON.parse(noKey.stdout) as VerifyReport;
    expect(report.ok).toBe(true);
    expect(report.files[0]!.documents[0]!.mac).toBe('unchecked');
    expect((await ok(ws, ['verify', '--without-key', 'secret.enc.yaml'])).stdout).toContain('MAC unchecked), unsigned: ok');

    ws.write('plain.yaml', SECRET);
    const notEncrypted = await ws.run(['verify', '--without-key', 'plain.yaml', 'secret.enc.yaml']);
    expect(notEncrypted.status).toBe(1);
    expect(notEncrypted.stdout).toContain('plain.yaml: FAIL');
    expect(notEncrypted.stdout).toContain('[E_NOT_ENCRYPTED]');
    expect(notEncrypted.stdout).toContain('secret.enc.yaml#1 payments/db');
  });
});

describe.concurrent('exec-env', () => {
  it('gives the child the values (data base64-decoded) and passes on its exit status', async () => {
    const ws = await withEncrypted();
    const r = await ok(ws, ['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'printf %s "$password"']);
    expect(r.stdout).toBe('correct horse battery staple');
    const many = await ok(ws, ['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'printf "%s|%s|%s" "$username" "$port" "$dsn"']);
    expect(many.stdout).toBe('payments_app|5432|postgres://payments_app@db.payments.svc:5432/payments?sslmode=require\n');
    // Generic files: top-level scalars.
    expect((await ok(ws, ['exec-env', 'values.enc.yaml', '--', 'sh', '-c', 'printf "%s|%s|%s" "$token" "$replicas" "$debug"'])).stdout).toBe('s3cr3t-t0k3n|3|false');

    const failed = await ws.run(['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'exit 7']);
    expect(failed.status).toBe(7);
    // The Secret's data has tls.key, which is not a variable name.
    expect(failed.stderr).toContain('gitseal: not exported (not a variable name, or not a single value): tls.key\n');
    // Each document's writer is named; with no writer keys set up, the document is unsigned and that is a warning.
    expect(failed.stderr).toContain('gitseal: secret.enc.yaml#1 payments/db: unsigned (warning: anyone with the public key can write such a document');
    const killed = await ws.run(['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'kill -TERM $$']);
    expect(killed.status).toBe(128 + 15);
    const none = await ws.run(['exec-env', 'secret.enc.yaml']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('[E_USAGE]');
  });
});

describe.concurrent('exec-env against a writer with push access and the public recipient', () => {
  const ATTACKER_SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: x\n';
  /** The attacker replaces the file with one of their own: two documents, the second carrying the payload. */
  const attack = async (doc: string, extra: string[] = []) => {
    const ws = await withEncrypted();
    ws.write('attacker.yaml', `${ATTACKER_SECRET}---\n${doc}`);
    const sealed = (await ok(ws, ['encrypt', 'attacker.yaml'])).stdout; // needs only the public recipient
    ws.write('secret.enc.yaml', sealed);
    const r = await ws.run(['exec-env', 'secret.enc.yaml', ...extra, '--', 'sh', '-c', 'touch ran']);
    return { ws, r };
  };

  it('a document appended to the existing file is refused (the file binding), and runs nothing', async () => {
    const ws = await withEncrypted();
    ws.write('attacker.yaml', 'NODE_OPTIONS: "--import=data:text/javascript,process.exit(9)"\n');
    const sealed = (await ok(ws, ['encrypt', 'attacker.yaml'])).stdout;
    ws.write('secret.enc.yaml', `${encrypted.secret}---\n${sealed}`);
    const r = await ws.run(['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'touch ran']);
    expect(r.status).toBe(40);
    expect(r.stderr).toContain('document 1 of 2 says it is the last: a document was appended [E_TAMPERED]');
    expect(existsSync(ws.path('ran'))).toBe(false);
    expect(ws.read('secret.enc.yaml')).toBe(`${encrypted.secret}---\n${sealed}`);
  });

  it('an appended document setting NODE_OPTIONS (or LD_PRELOAD, BASH_ENV, PATH) is refused and runs nothing', async () => {
    for (const name of ['NODE_OPTIONS', 'LD_PRELOAD', 'BASH_ENV', 'PATH']) {
      const { ws, r } = await attack(`${name}: "--import=data:text/javascript,process.exit(9)"\n`);
      expect(r.status, name).toBe(55);
      expect(r.stderr).toContain(`[E_ENV]`);
      expect(r.stderr).toContain(`sets ${name}`);
      expect(existsSync(ws.path('ran')), name).toBe(false);
    }
  });

  it('--allow-env lets a named variable through', async () => {
    const { ws, r } = await attack('NODE_OPTIONS: "--max-old-space-size=64"\n', ['--allow-env', 'NODE_OPTIONS']);
    expect(r.status, describeRun(['exec-env'], r)).toBe(0);
    expect(existsSync(ws.path('ran'))).toBe(true);
  });

  it('an appended document overriding a value of the first is refused', async () => {
    const { ws, r } = await attack('apiVersion: v1\nkind: Secret\nmetadata:\n  name: db2\n  namespace: payments\nstringData:\n  password: attacker-chosen\n');
    expect(r.status).toBe(55);
    expect(r.stderr).toContain('documents 1 and 2 both set password');
    expect(r.stderr).not.toContain('"x"');
    expect(r.stderr).not.toContain('attacker-chosen');
    expect(existsSync(ws.path('ran'))).toBe(false);
  });
});

describe.concurrent('set and unset', () => {
  it('set --base64 stores base64 in data; exec-env decodes it', async () => {
    const ws = await withEncrypted();
    await ok(ws, ['set', '--base64', 'secret.enc.yaml', 'data["tls.key"]', 'new key bytes']);
    expect(await plain(ws, 'secret.enc.yaml')).toBe(SECRET.replace('c2VjcmV0LWtleS1tYXRlcmlhbA==', Buffer.from('new key bytes').toString('base64')));
    await ok(ws, ['set', '--base64', 'secret.enc.yaml', 'data.extra', 'extra: bytes']);
    expect(await plain(ws, 'secret.enc.yaml')).toContain(`  extra: ${Buffer.from('extra: bytes').toString('base64')}\n`);
    expect((await ok(ws, ['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'printf %s "$extra"'])).stdout).toBe('extra: bytes');
  });

  it('set --json writes numbers, booleans and null as such; refuses objects and non-JSON', async () => {
    const ws = await withEncrypted();
    await ok(ws, ['set', '--json', 'values.enc.yaml', 'replicas', '42']);
    await ok(ws, ['set', '--json', 'values.enc.yaml', 'debug', 'true']);
    await ok(ws, ['set', '--json', 'values.enc.yaml', 'token', 'null']);
    await ok(ws, ['set', '--json', 'values.enc.yaml', 'service.url', '"http://x"']);
    const out = await plain(ws, 'values.enc.yaml');
    expect(out).toBe(GENERIC_YAML.replace('replicas: 3', 'replicas: 42').replace('debug: false', 'debug: true').replace('token: s3cr3t-t0k3n', 'token: null').replace("'https://api.internal:8443/v2'", "'http://x'"));
    for (const bad of ['{"a": 1}', 'not json']) {
      const r = await ws.run(['set', '--json', 'values.enc.yaml', 'replicas', bad]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('[E_USAGE]');
    }
  });

  it('set VALUE "-" reads standard input (one trailing newline dropped)', async () => {
    const ws = await withEncrypted();
    await ok(ws, ['set', 'secret.enc.yaml', 'stringData.password', '-'], { input: 'from stdin: with colon\n' });
    expect(await plain(ws, 'secret.enc.yaml')).toBe(SECRET.replace('"correct horse battery staple"', '"from stdin: with colon"'));
    await ok(ws, ['set', 'secret.enc.yaml', 'stringData.username', '-'], { input: 'plain-user' });
    expect(await plain(ws, 'secret.enc.yaml')).toContain('  username: plain-user\n');
  });

  it('set of a new key adds it (to the first document that has its parent)', async () => {
    const ws = await withEncrypted();
    await ok(ws, ['set', 'secret.enc.yaml', 'stringData.api-key', 'k-123']);
    await ok(ws, ['set', 'values.enc.yaml', 'service.region', 'eu']);
    const s = await plain(ws, 'secret.enc.yaml');
    expect(s).toContain('  api-key: k-123\n');
    expect(s).toContain('  password: "correct horse battery staple"');
    expect((await ok(ws, ['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'printf %s "$username"'])).stdout).toBe('payments_app');
    expect(await plain(ws, 'values.enc.yaml')).toContain('region: eu');
  });

  it('unset removes one value and keeps every other byte', async () => {
    const ws = await withEncrypted();
    await ok(ws, ['unset', 'secret.enc.yaml', 'stringData.host']);
    await ok(ws, ['unset', 'values.enc.yaml', 'service.tags']);
    expect(await plain(ws, 'secret.enc.yaml')).toBe(SECRET.replace('  host: db.payments.svc\n', ''));
    expect(await plain(ws, 'values.enc.yaml')).toBe(GENERIC_YAML.replace(`  tags: [blue, "green", 3]\n`, ''));
    expect((await ws.run(['unset', 'secret.enc.yaml', 'stringData.host'])).status).toBe(21);
  });

  it('unset of the first key of a nested mapping', async () => {
    const ws = await withEncrypted();
    await ok(ws, ['unset', 'secret.enc.yaml', 'stringData.username']);
    expect(await plain(ws, 'secret.enc.yaml')).toBe(SECRET.replace('  username: payments_app\n', ''));
  });

  it('set without --json always stores a string', async () => {
    const ws = await withEncrypted();
    await ok(ws, ['set', 'secret.enc.yaml', 'stringData.username', '42']);
    await ok(ws, ['set', 'values.enc.yaml', 'token', 'true']);
    expect((await ok(ws, ['exec-env', 'secret.enc.yaml', '--', 'sh', '-c', 'printf %s "$username"'])).stdout).toBe('42');
    expect(await plain(ws, 'values.enc.yaml')).toMatch(/^token: ["']true["']$/m);
  });
});

describe.concurrent('init and help', () => {
  it('init refuses to overwrite .gitseal.yaml without --force', async () => {
    const ws = await newWorkspace();
    const before = ws.read('.gitseal.yaml');
    const r = await ws.run(['init', '--scope', 'cluster']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('--force');
    expect(ws.read('.gitseal.yaml')).toBe(before);
    await ok(ws, ['init', '--force', '--scope', 'namespace']);
    const after = ws.read('.gitseal.yaml');
    expect(after).toContain('scope: namespace\n');
    expect(after).toContain(`  - ${ws.recipient}\n`);
  });

  it('--help of every command exits 0 and documents it; --version prints the version', async () => {
    const ws = await newWorkspace({ init: false });
    const commands = ['keygen', 'init', 'encrypt', 'decrypt', 'edit', 'set', 'unset', 'updatekeys', 'rotate', 'verify', 'exec-env'];
    const runs = await mapLimit(commands, 4, (cmd) => ws.run([cmd, '--help']));
    commands.forEach((cmd, i) => {
      expect(runs[i]!.status, describeRun([cmd, '--help'], runs[i]!)).toBe(0);
      expect(runs[i]!.stdout).toContain(`gitseal ${cmd}`);
    });
    const top = (await ok(ws, ['--help'])).stdout;
    expect(top).toContain('Encrypt and edit:');
    expect((await ok(ws, ['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('recipients on the command line', () => {
  it('-r takes one value, so the file may follow it, and repeats', async () => {
    const ws = await newWorkspace();
    const other = await ws.keygen('other.yaml');
    ws.write('secret.yaml', SECRET);
    const r = await ok(ws, ['encrypt', '-r', ws.recipient, '-r', other.recipient, 'secret.yaml']);
    expect(r.stdout).toContain(ws.kid);
    expect(r.stdout).toContain(other.kid);
  });
});
