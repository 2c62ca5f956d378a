import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { startApiDouble, type ApiDouble } from './api-double.js';
import { as, clientsFor, ES, selfSignedCert, sleep, type Clients } from './harness.js';

const kubectlVersion = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const hasKubectl = kubectlVersion.status === 0;
const OLD_KUBECTL = Number(/Minor:"(\d+)|v1\.(\d+)/.exec(kubectlVersion.stdout ?? '')?.slice(1).find(Boolean) ?? 99) < 25;
const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: encryptedsecrets.gitseal.dev
spec:
  group: gitseal.dev
  scope: Namespaced
  names: {plural: encryptedsecrets, singular: encryptedsecret, kind: EncryptedSecret, shortNames: [esec]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

const CR = (envelope: string) => `apiVersion: gitseal.dev/v1
kind: EncryptedSecret
metadata: {name: db, namespace: apps}
spec: {envelope: ${envelope}}
`;

describe.skipIf(!hasKubectl)('kubectl against the double', () => {
  let api: ApiDouble;
  let c: Clients;
  let home: string;

  beforeAll(async () => {
    api = await startApiDouble();
    c = clientsFor(api);
    await c.core.createNamespace({ body: { metadata: { name: 'apps' } } });
    home = mkdtempSync(join(tmpdir(), 'gitseal-kubectl-'));
    api.writeKubeconfig(join(home, 'kubeconfig'));
    writeFileSync(join(home, 'crd.yaml'), CRD);
    writeFileSync(join(home, 'cr.yaml'), CR('v1'));
    writeFileSync(join(home, 'cr2.yaml'), CR('v2'));
  });
  afterAll(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** kubectl with the double's kubeconfig and a private HOME (its discovery cache lives there). */
  function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    // kubectl before 1.25 validates on the client from /openapi/v2, which the double does not serve (Debian 12 ships 1.20).
    if (args[0] === 'apply' && OLD_KUBECTL) args = [args[0], '--validate=false', ...args.slice(1)];
    return new Promise((resolve) => {
      execFile('kubectl', ['--kubeconfig', join(home, 'kubeconfig'), ...args], { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  test('apply a CRD and a CR, get them, wait for Ready, apply server-side', async () => {
    const crd = await kubectl('apply', '-f', join(home, 'crd.yaml'));
    expect(crd).toMatchObject({ code: 0, stdout: 'customresourcedefinition.apiextensions.k8s.io/encryptedsecrets.gitseal.dev created\n' });
    const cr = await kubectl('apply', '-f', join(home, 'cr.yaml'));
    expect(cr).toMatchObject({ code: 0, stdout: 'encryptedsecret.gitseal.dev/db created\n' });

    const got = await kubectl('get', 'encryptedsecrets', '-A', '-o', 'yaml');
    expect(got.code).toBe(0);
    const list = parse(got.stdout) as { items: { kind: string; metadata: { name: string; namespace: string; annotations: Record<string, string> }; spec: unknown }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ kind: 'EncryptedSecret', metadata: { name: 'db', namespace: 'apps' }, spec: { envelope: 'v1' } });
    expect(list.items[0]?.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"envelope":"v1"');

    // Wait from before the condition exists: kubectl lists, then watches, and sees it arrive.
    const waiting = kubectl('wait', '--for=condition=Ready', 'encryptedsecret/db', '-n', 'apps', '--timeout=10s');
    await sleep(300);
    await c.custom.patchNamespacedCustomObjectStatus(
      { ...ES, namespace: 'apps', name: 'db', fieldManager: 'gitseal-controller', body: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Decrypted', message: 'ok', lastTransitionTime: new Date().toISOString() }] } } },
      as(PatchStrategy.MergePatch),
    );
    expect(await waiting).toMatchObject({ code: 0, stdout: 'encryptedsecret.gitseal.dev/db condition met\n' });

    const ssa = await kubectl('apply', '--server-side', '-f', join(home, 'cr2.yaml'));
    expect(ssa).toMatchObject({ code: 0, stdout: 'encryptedsecret.gitseal.dev/db serverside-applied\n' });
    const obj = api.get('gitseal.dev/v1', 'EncryptedSecret', 'apps', 'db') as { spec: unknown; metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(obj.spec).toEqual({ envelope: 'v2' });
    expect(obj.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`)).toContain('kubectl/Apply');

    const short = await kubectl('get', 'esec', '-n', 'apps', '-o', 'name');
    expect(short).toMatchObject({ code: 0, stdout: 'encryptedsecret.gitseal.dev/db\n' });
  }, 30_000);

  test('built-in kinds: apply twice (strategic merge patch), server-side conflicts, delete', async () => {
    const secret = (v: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: apps, labels: {app: gitseal}}\nstringData: {password: ${v}}\n`;
    writeFileSync(join(home, 's1.yaml'), secret('one'));
    writeFileSync(join(home, 's2.yaml'), secret('two'));
    expect(await kubectl('apply', '-f', join(home, 's1.yaml'))).toMatchObject({ code: 0, stdout: 'secret/creds created\n' });
    expect(await kubectl('apply', '-f', join(home, 's2.yaml'))).toMatchObject({ code: 0, stdout: 'secret/creds configured\n' });
    expect(api.requests.at(-1)).toMatchObject({ method: 'PATCH', contentType: 'application/strategic-merge-patch+json' });
    expect(api.get('v1', 'Secret', 'apps', 'creds')?.data).toEqual({ password: Buffer.from('two').toString('base64') });

    await c.core.patchNamespacedSecret({ name: 'creds', namespace: 'apps', fieldManager: 'gitseal', body: { metadata: { labels: { app: 'mine' } } } }, as(PatchStrategy.MergePatch));
    const conflict = await kubectl('apply', '--server-side', '--field-manager=ops', '-f', join(home, 's2.yaml'));
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "gitseal"');
    expect(await kubectl('apply', '--server-side', '--force-conflicts', '--field-manager=ops', '-f', join(home, 's2.yaml'))).toMatchObject({ code: 0 });

    expect(await kubectl('delete', 'secret', 'creds', '-n', 'apps')).toMatchObject({ code: 0, stdout: 'secret "creds" deleted\n' });
    const missing = await kubectl('get', 'secret', 'creds', '-n', 'apps');
    expect(missing.stderr).toContain('Error from server (NotFound): secrets "creds" not found');
  }, 30_000);
});

describe.skipIf(!hasOpenssl)('https', () => {
  test('client-node and kubectl trust the certificate the kubeconfig carries', async () => {
    const api = await startApiDouble({ tls: selfSignedCert() });
    const home = mkdtempSync(join(tmpdir(), 'gitseal-kubectl-tls-'));
    try {
      expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const c = clientsFor(api);
      expect((await c.core.readNamespace({ name: 'default' })).status?.phase).toBe('Active');
      if (hasKubectl) {
        api.writeKubeconfig(join(home, 'kubeconfig'));
        const out = await new Promise<string>((resolve, reject) =>
          execFile('kubectl', ['--kubeconfig', join(home, 'kubeconfig'), 'get', 'ns', 'default', '-o', 'name'], { env: { PATH: process.env.PATH ?? '', HOME: home } }, (err, stdout, stderr) =>
            err ? reject(new Error(stderr)) : resolve(stdout),
          ),
        );
        expect(out).toBe('namespace/default\n');
      }
    } finally {
      await api.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
