/**
 * `gitseal import sealed-secrets` end to end through the built CLI, with
 * SealedSecrets made by an independent writer (test/helpers/sealed-secrets-writer.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { describeRun } from './helpers/cli.js';
import { makeSealingKey, sealSecret, sealSecretV1, toYamlStream } from './helpers/sealed-secrets-writer.js';
import { useWorkspaces, type Workspace } from './helpers/workspace.js';

const newWorkspace = useWorkspaces();
const key = makeSealingKey(2048);
const oldKey = makeSealingKey(2048);
const stranger = makeSealingKey(2048);
const CANARY = 'canary-Hx7pQ2-sealed-plaintext';
const CANARY_B64 = Buffer.from(CANARY).toString('base64');

const b64 = (s: string) => Buffer.from(s).toString('base64');

function noPlaintext(w: Workspace, ...texts: string[]): void {
  for (const t of texts) {
    expect(t).not.toContain(CANARY);
    expect(t).not.toContain(CANARY_B64);
  }
  for (const f of readdirSync(w.dir)) {
    if (f === 'config') continue;
    const body = w.read(f);
    expect(body, f).not.toContain(CANARY);
    expect(body, f).not.toContain(CANARY_B64);
  }
}

const sample = () =>
  toYamlStream([
    sealSecret(key.publicKey, { name: 'db', namespace: 'prod', type: 'Opaque', labels: { app: 'db' }, data: { password: CANARY, user: 'admin' } }),
    sealSecret(key.publicKey, { name: 'shared', namespace: 'prod', scope: 'namespace-wide', data: { token: 'ns-token' } }),
    sealSecret(oldKey.publicKey, { name: 'global', scope: 'cluster-wide', type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': '{"auths":{}}' } }),
  ]);

describe('gitseal import sealed-secrets', () => {
  it('converts every scope, to stdout and -o, with rotated keys and the key Secret', async () => {
    const w = await newWorkspace();
    w.write('key.pem', key.pkcs8);
    w.write('old-key.yaml', oldKey.secretYaml);
    w.write('sealed.yaml', sample());
    const args = ['import', 'sealed-secrets', 'sealed.yaml', '--key', 'key.pem', '--key', 'old-key.yaml'];
    const r = await w.run(args);
    expect(r.status, describeRun(args, r)).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: Record<string, string>; spec: { scope: string } });
    expect(docs.map((d) => [d.kind, d.metadata.namespace, d.metadata.name, d.spec.scope])).toEqual([
      ['EncryptedSecret', 'prod', 'db', 'strict'],
      ['EncryptedSecret', 'prod', 'shared', 'namespace'],
      ['EncryptedSecret', undefined, 'global', 'cluster'],
    ]);

    const o = await w.run([...args, '-o', 'sealed.enc.yaml']);
    expect(o.status, describeRun(args, o)).toBe(0);
    expect(o.stdout).toBe('');
    noPlaintext(w, r.stdout, r.stderr, o.stderr);
    expect((await w.run(['verify', 'sealed.enc.yaml'])).status).toBe(0);
    const d = await w.run(['decrypt', 'sealed.enc.yaml']);
    expect(d.status).toBe(0);
    const secrets = parseAllDocuments(d.stdout).map((x) => x.toJS() as Record<string, unknown>);
    expect(secrets).toEqual([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'prod', labels: { app: 'db' } }, type: 'Opaque', data: { password: CANARY_B64, user: b64('admin') } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shared', namespace: 'prod' }, data: { token: b64('ns-token') } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'global' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } },
    ]);
  });

  it('-i replaces the files atomically; PKCS#1 keys and the old spec.data format', async () => {
    const w = await newWorkspace();
    w.write('key.pem', key.pkcs1);
    w.write('a.yaml', toYamlStream([sealSecret(key.publicKey, { name: 'a', namespace: 'n', data: { k: CANARY } })]));
    w.write('b.json', JSON.stringify(sealSecretV1(key.publicKey, { name: 'b', namespace: 'n', data: { k: 'v' } })));
    const args = ['import', 'sealed-secrets', 'a.yaml', 'b.json', '--key', 'key.pem', '-i'];
    const r = await w.run(args);
    expect(r.status, describeRun(args, r)).toBe(0);
    noPlaintext(w, r.stdout, r.stderr);
    for (const f of ['a.yaml', 'b.json']) expect((parse(w.read(f)) as { kind: string }).kind).toBe('EncryptedSecret');
    const d = await w.run(['decrypt', 'a.yaml']);
    expect((parse(d.stdout) as { data: Record<string, string> }).data).toEqual({ k: CANARY_B64 });
  });

  it('refuses bad input with E_SEALED (54), leaves files unchanged and never shows a value', async () => {
    const w = await newWorkspace();
    w.write('key.pem', key.pkcs8);
    w.write('stranger.pem', stranger.pkcs8);
    const good = () => sealSecret(key.publicKey, { name: 'db', namespace: 'prod', data: { password: CANARY } });
    const moved = good();
    (moved.metadata as Record<string, unknown>).namespace = 'staging';
    const badB64 = good();
    ((badB64.spec as Record<string, Record<string, string>>).encryptedData!).password = '!!!notbase64';
    const unknownScope = good();
    (unknownScope.metadata as Record<string, unknown>).annotations = { 'sealedsecrets.bitnami.com/galaxy-wide': 'true' };
    const noNamespace = sealSecret(key.publicKey, { name: 'db', data: { password: CANARY } });
    const cases: Record<string, string> = {
      'moved.yaml': toYamlStream([moved]),
      'b64.yaml': toYamlStream([badB64]),
      'scope.yaml': toYamlStream([unknownScope]),
      'nons.yaml': toYamlStream([noNamespace]),
      'mixed.yaml': toYamlStream([good(), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'prod' }, stringData: { p: CANARY } }]),
      'wrongkey.yaml': toYamlStream([good()]),
    };
    for (const [name, text] of Object.entries(cases)) w.write(name, text);
    for (const name of Object.keys(cases)) {
      const keyFile = name === 'wrongkey.yaml' ? 'stranger.pem' : 'key.pem';
      for (const out of [['-i'], ['-o', 'out.yaml']]) {
        const args = ['import', 'sealed-secrets', name, '--key', keyFile, ...out];
        const r = await w.run(args);
        expect(r.status, describeRun(args, r)).toBe(54);
        expect(r.stderr).toContain('E_SEALED');
        expect(r.stderr).toContain(name);
        expect(r.stdout).toBe('');
        expect(w.read(name), name).toBe(cases[name]);
        expect(existsSync(w.path('out.yaml'))).toBe(false);
        if (name === 'wrongkey.yaml' || name === 'moved.yaml') expect(r.stderr).toMatch(/SealedSecret (prod|staging)\/db/);
        expect(r.stderr).not.toContain(CANARY);
        expect(r.stderr).not.toContain(CANARY_B64);
      }
    }
    // A good file beside a bad one: nothing is written.
    w.write('good.yaml', toYamlStream([good()]));
    const before = w.read('good.yaml');
    const r = await w.run(['import', 'sealed-secrets', 'good.yaml', 'moved.yaml', '--key', 'key.pem', '-i']);
    expect(r.status).toBe(54);
    expect(w.read('good.yaml')).toBe(before);
    // Not a key; no --key at all.
    expect((await w.run(['import', 'sealed-secrets', 'good.yaml', '--key', 'good.yaml'])).status).toBe(54);
    expect((await w.run(['import', 'sealed-secrets', 'good.yaml'])).status).toBe(2);
  });
});
