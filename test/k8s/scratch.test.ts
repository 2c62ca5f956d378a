import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { startApiDouble } from './api-double.js';

test('scratch', async () => {
  const api = await startApiDouble();
  const home = mkdtempSync(join(tmpdir(), 'kx-'));
  const kc = join(home, 'kubeconfig');
  api.writeKubeconfig(kc);
  const run = (...args: string[]) => {
    try {
      return execFileSync('kubectl', ['--kubeconfig', kc, ...args], { env: { ...process.env, HOME: home }, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stdout: string; stderr: string };
      return `FAILED\n${err.stdout}\n${err.stderr}`;
    }
  };
  writeFileSync(join(home, 'crd.yaml'), `apiVersion: apiextensions.k8s.io/v1
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
`);
  writeFileSync(join(home, 'cr.yaml'), `apiVersion: gitseal.dev/v1
kind: EncryptedSecret
metadata: {name: db, namespace: default}
spec: {data: {a: b}}
`);
  const out: string[] = [];
  out.push(run('apply', '-f', join(home, 'crd.yaml'), '-v=6'));
  out.push(run('apply', '-f', join(home, 'cr.yaml'), '-v=6'));
  out.push(run('get', 'encryptedsecrets', '-A', '-o', 'yaml'));
  out.push(run('apply', '--server-side', '-f', join(home, 'cr.yaml'), '-v=6'));
  out.push(run('get', 'esec', '-A'));
  writeFileSync('/tmp/k8sx/out.txt', out.join('\n=====\n') + '\n\nREQUESTS\n' + api.requests.map((r) => `${r.method} ${r.path}?${r.query} ${r.contentType ?? ''}`).join('\n'));
  await api.close();
});
