/**
 * `gitseal import sops` and `gitseal export sops` end to end through the
 * built CLI: SOPS files from the independent test writer (age, AWS KMS and
 * GCP KMS doubles), MAC checks, formats, output modes, the round trip
 * export → import, and canaries (no plaintext in outputs, errors or files).
 *
 * SOPS_TEST_CLI=path/to/gitseal.mjs runs another bundle (e.g. one built
 * before the commands are in the command table); the default is dist/.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { decryptSops } from 'sops-age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { startAwsKmsDouble, type AwsKmsDouble } from './doubles/aws-kms-double.js';
import { startGcpKmsDouble, type GcpKmsDouble } from './doubles/gcp-kms-double.js';
import { baseEnv, describeRun, type RunOptions, type RunResult } from './helpers/cli.js';
import { ageKeyFor, SopsWriter, type Tree } from './helpers/sops-writer.js';
import { filesContaining } from './helpers/tree.js';
import { hasOptional } from './helpers/optional.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();

function run(ws: Workspace, args: readonly string[], opts: Partial<RunOptions> = {}): Promise<RunResult> {
  const cli = process.env.SOPS_TEST_CLI;
  if (!cli) return ws.run(args, opts);
  const env: Record<string, string> = { ...baseEnv(ws.dir), ...ws.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v === undefined) delete env[k];
  else env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: opts.cwd ?? ws.dir, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(opts.input ?? '');
  });
}

async function ok(ws: Workspace, args: string[], opts: Partial<RunOptions> = {}): Promise<RunResult> {
  const r = await run(ws, args, opts);
  expect(r.status, describeRun(args, r)).toBe(0);
  return r;
}

const marker = randomBytes(10).toString('hex');
const canary = (n: number) => `CANARY-${marker}-${n}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

const SECRET: Tree = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'payments' },
  type: 'Opaque',
  stringData: { password: canary(1), user: 'app' },
  data: { token: b64(canary(2)) },
};

/** A workspace with an age identity file (id.txt) and the writer's data key wrapped to it. */
async function ageSetup(opts: ConstructorParameters<typeof SopsWriter>[0] = {}) {
  const ws = await newWorkspace();
  const key = randomBytes(32);
  const age = await ageKeyFor(key);
  ws.write('id.txt', `# created: 2024-01-01\n# public key: ${age.recipient}\n${age.identity}\n`);
  return { ws, age, writer: new SopsWriter({ ...opts, key, age: [age.entry] }) };
}

const decrypted = async (ws: Workspace, file: string) => (await ok(ws, ['decrypt', file])).stdout;

describe('import sops', () => {
  it('turns a SOPS Secret into an EncryptedSecret that decrypts to the same Secret (--age-key)', async () => {
    const { ws, writer } = await ageSetup();
    ws.write('secret.sops.yaml', writer.yaml([SECRET]));
    const r = await ok(ws, ['import', 'sops', 'secret.sops.yaml', '--age-key', 'id.txt']);
    expect(r.stdout).toContain('kind: EncryptedSecret');
    expect(r.stdout + r.stderr).not.toContain(marker);
    expect(r.stdout).not.toContain(b64(canary(2)));
    ws.write('secret.enc.yaml', r.stdout);
    expect(parse(await decrypted(ws, 'secret.enc.yaml'))).toEqual(SECRET);
  });

  it('reads SOPS_AGE_KEY_FILE and SOPS_AGE_KEY, writes -o OUT, and -i several files (JSON, dotenv to -o, multi-doc)', async () => {
    const { ws, writer, age } = await ageSetup();
    ws.write('a.sops.yaml', writer.yaml([SECRET, { app: { level: 3, ratio: 0.5, debug: false, name: canary(3) } }]));
    ws.write('b.sops.json', writer.json({ apiKey: canary(4), n: 7 }));
    ws.write('c.sops.env', writer.dotenv({ DB_PASSWORD: canary(5), PORT: '5432' }));
    await ok(ws, ['import', 'sops', 'a.sops.yaml', '-o', 'a.enc.yaml'], { env: { SOPS_AGE_KEY_FILE: ws.path('id.txt') } });
    const docs = parseAllDocuments(await decrypted(ws, 'a.enc.yaml')) as unknown as Array<{ toJS(): unknown }>;
    expect(docs.map((d) => d.toJS())).toEqual([SECRET, { app: { level: 3, ratio: 0.5, debug: false, name: canary(3) } }]);

    await ok(ws, ['import', 'sops', '-i', 'a.sops.yaml', 'b.sops.json'], { env: { SOPS_AGE_KEY: age.identity } });
    // gitseal writes YAML, so a dotenv file goes elsewhere (-i into it is refused: test/import-sops-edge-cases.test.ts).
    await ok(ws, ['import', 'sops', 'c.sops.env', '-o', 'c.enc.yaml'], { env: { SOPS_AGE_KEY: age.identity } });
    for (const f of ['a.sops.yaml', 'b.sops.json', 'c.enc.yaml']) expect(ws.read(f)).not.toContain(marker);
    expect(ws.read('a.sops.yaml')).toContain('kind: EncryptedSecret');
    expect(JSON.parse(await decrypted(ws, 'b.sops.json'))).toEqual({ apiKey: canary(4), n: 7 });
    expect(parse(await decrypted(ws, 'c.enc.yaml'))).toEqual({ DB_PASSWORD: canary(5), PORT: '5432' });
    expect(filesContaining([ws.dir], [marker], 0)).toEqual([]);
  });

  it('imports partially encrypted multi-document files faithfully (encrypted_regex, mac_only_encrypted, _unencrypted)', async () => {
    const { ws, writer } = await ageSetup({ encryptedRegex: '^(data|stringData)$', macOnlyEncrypted: true });
    const second: Tree = { kind: 'Config', metadata: { name: 'app' }, data: { key: canary(6) } };
    const text = writer.yaml([SECRET, second]);
    expect(text).toContain('name: db');
    ws.write('p.sops.yaml', text);
    const r = await ok(ws, ['import', 'sops', 'p.sops.yaml', '--age-key', 'id.txt']);
    ws.write('p.enc.yaml', r.stdout);
    const docs = parseAllDocuments(await decrypted(ws, 'p.enc.yaml')) as unknown as Array<{ toJS(): unknown }>;
    expect(docs.map((d) => d.toJS())).toEqual([SECRET, second]);
  });

  it('fails with stable codes and leaves files unchanged: MAC mismatch (53), wrong key (30), too new (52)', async () => {
    const { ws, writer } = await ageSetup({ badMac: true });
    const bad = writer.yaml([SECRET]);
    ws.write('bad.sops.yaml', bad);
    const r = await run(ws, ['import', 'sops', '-i', 'bad.sops.yaml', '--age-key', 'id.txt']);
    expect(r.status, r.stderr).toBe(53);
    expect(r.stderr).toContain('MAC');
    expect(r.stdout + r.stderr).not.toContain(marker);
    expect(ws.read('bad.sops.yaml')).toBe(bad);
    const forced = await ok(ws, ['import', 'sops', 'bad.sops.yaml', '--age-key', 'id.txt', '--ignore-mac']);
    expect(forced.stderr).toContain('--ignore-mac');

    const other = await ageKeyFor(randomBytes(32));
    ws.write('other.txt', `${other.identity}\n`);
    const good = new SopsWriter({ key: writer.key, age: [(await ageKeyFor(writer.key)).entry] }).yaml([SECRET]);
    ws.write('good.sops.yaml', good);
    const wrong = await run(ws, ['import', 'sops', 'good.sops.yaml', '--age-key', 'other.txt']);
    expect(wrong.status, wrong.stderr).toBe(30);
    const noKey = await run(ws, ['import', 'sops', 'good.sops.yaml']);
    expect(noKey.status, noKey.stderr).toBe(30);
    expect(noKey.stderr).toContain('--age-key');

    ws.write('new.sops.yaml', good.replace('version: 3.9.4', 'version: 4.0.0'));
    const tooNew = await run(ws, ['import', 'sops', 'new.sops.yaml', '--age-key', 'other.txt']);
    expect(tooNew.status, tooNew.stderr).toBe(52);
    expect(tooNew.stderr).toContain('4.0.0');

    const notSops = await run(ws, ['import', 'sops', 'id.txt']);
    expect([10, 52]).toContain(notSops.status);
    expect(notSops.stdout + notSops.stderr + wrong.stderr).not.toContain(marker);
  });
});

describe('import sops with KMS (test doubles)', () => {
  let aws: AwsKmsDouble;
  let gcp: GcpKmsDouble;
  beforeAll(async () => {
    aws = await startAwsKmsDouble();
    gcp = await startGcpKmsDouble();
  });
  afterAll(async () => {
    await aws?.close();
    await gcp?.close();
  });

  const hasAws = hasOptional('@aws-sdk/client-kms');
  const hasGcp = hasOptional('@google-cloud/kms');

  it.runIf(hasAws)('recovers the data key through AWS KMS Decrypt with the encryption context', async () => {
    const { DecryptCommand, EncryptCommand, KMSClient } = await import('@aws-sdk/client-kms');
    const ws = await newWorkspace();
    const key = randomBytes(32);
    const arn = aws.createKey();
    const client = new KMSClient({ region: aws.region, endpoint: aws.endpoint, credentials: { accessKeyId: aws.env.AWS_ACCESS_KEY_ID!, secretAccessKey: aws.env.AWS_SECRET_ACCESS_KEY! } });
    const context = { app: 'payments', env: 'prod' };
    const out = await client.send(new EncryptCommand({ KeyId: arn, Plaintext: key, EncryptionContext: context }));
    expect((await client.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: context }))).Plaintext).toEqual(new Uint8Array(key));
    client.destroy();
    const kms = [{ arn, created_at: '2024-01-01T00:00:00Z', enc: Buffer.from(out.CiphertextBlob!).toString('base64'), context, aws_profile: '' }];
    ws.write('s.sops.yaml', new SopsWriter({ key, kms }).yaml([SECRET]));
    // The SDK's own endpoint setting, as for LocalStack or a VPC endpoint.
    const env = { ...aws.env, AWS_ENDPOINT_URL_KMS: aws.endpoint };
    const r = await ok(ws, ['import', 'sops', 's.sops.yaml', '-o', 's.enc.yaml'], { env });
    expect(r.stderr).not.toContain(marker);
    expect(parse(await decrypted(ws, 's.enc.yaml'))).toEqual(SECRET);
    // A different context does not open it.
    ws.write('t.sops.yaml', new SopsWriter({ key, kms: [{ ...kms[0]!, context: { app: 'other' } }] }).yaml([SECRET]));
    expect((await run(ws, ['import', 'sops', 't.sops.yaml'], { env })).status).toBe(30);
  });

  it.runIf(!hasAws || !hasGcp)('without the cloud SDKs (optional packages): E_MISSING_FEATURE, exit 4, with the npm install that adds them', async () => {
    const ws = await newWorkspace();
    const sdk = hasAws ? '@google-cloud/kms' : '@aws-sdk/client-kms';
    const key = randomBytes(32);
    const sops = hasAws
      ? new SopsWriter({ key, gcpKms: [{ resource_id: gcp.createKey(), created_at: '2024-01-01T00:00:00Z', enc: 'AAAA' }] })
      : new SopsWriter({ key, kms: [{ arn: aws.createKey(), created_at: '2024-01-01T00:00:00Z', enc: 'AAAA', context: {}, aws_profile: '' }] });
    ws.write('m.sops.yaml', sops.yaml([SECRET]));
    const r = await run(ws, ['import', 'sops', 'm.sops.yaml']);
    expect(r.status, r.stderr).toBe(4);
    expect(r.stderr).toContain('[E_MISSING_FEATURE]');
    expect(r.stderr).toContain(`npm install ${sdk}`);
  });

  it.runIf(hasGcp)('recovers the data key through Google Cloud KMS decrypt', async () => {
    const ws = await newWorkspace();
    const key = randomBytes(32);
    const name = gcp.createKey();
    const res = await fetch(`${gcp.apiEndpoint}/v1/${name}:encrypt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ plaintext: key.toString('base64') }) });
    const body = (await res.json()) as { ciphertext: string };
    ws.write('g.sops.json', new SopsWriter({ key, gcpKms: [{ resource_id: name, created_at: '2024-01-01T00:00:00Z', enc: body.ciphertext }] }).json(SECRET));
    await ok(ws, ['import', 'sops', 'g.sops.json', '-o', 'g.enc.json'], { env: { GITSEAL_SOPS_GCP_ENDPOINT: gcp.apiEndpoint } });
    expect(JSON.parse(await decrypted(ws, 'g.enc.json'))).toEqual(SECRET);
  });
});

describe('export sops', () => {
  it('round-trips gitseal → SOPS (read by sops-age and by import sops) → gitseal', async () => {
    const ws = await newWorkspace();
    const age = await ageKeyFor(randomBytes(32));
    ws.write('id.txt', `${age.identity}\n`);
    const plain = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\ntype: Opaque\nstringData:\n  password: ${canary(1)}\n  port: "5432"\ndata:\n  token: ${b64(canary(2))}\n`;
    ws.write('secret.yaml', plain);
    await ok(ws, ['encrypt', 'secret.yaml', '-o', 'secret.enc.yaml']);
    const ex = await ok(ws, ['export', 'sops', 'secret.enc.yaml', '--age', age.recipient, '-o', 'secret.sops.yaml']);
    expect(ex.stdout + ex.stderr).not.toContain(marker);
    const sops = ws.read('secret.sops.yaml');
    expect(sops).not.toContain(marker);
    expect(sops).toMatch(/version: 3\.9\.\d/);
    expect(sops).toContain(`recipient: ${age.recipient}`);
    expect(await decryptSops(sops, { secretKey: age.identity, fileType: 'yaml' })).toEqual(parse(plain));
    const back = await ok(ws, ['import', 'sops', 'secret.sops.yaml', '--age-key', 'id.txt']);
    ws.write('back.enc.yaml', back.stdout);
    expect(await decrypted(ws, 'back.enc.yaml')).toBe(plain);
    const none = await run(ws, ['export', 'sops', 'secret.enc.yaml']);
    expect(none.status).toBe(24);
  });
});
