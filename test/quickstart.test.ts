/**
 * `kubectl apply -k examples/deploy/quickstart` on a fresh cluster, as far
 * as it can be checked without one (issue 12): the overlay renders with no
 * placeholder left, and the rewrap service's first start (`bootstrap:`),
 * from the bundle against the Kubernetes API double, makes the root
 * passphrase Secret, a CA and server certificate for the Service's names,
 * publishes the CA for the controller and makes the org key; a second start
 * reuses all of it and puts back a CA ConfigMap someone edited.
 */
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseServiceConfig } from '../kms/service/service-config.js';
import { gitsealCli, ROOT } from './helpers/cli.js';
import { startApiDouble, type ApiDouble } from './k8s/api-double.js';

type K8sObject = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: Record<string, unknown> };
const QUICKSTART = join(ROOT, 'examples/deploy/quickstart');
const haveKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

describe('examples/deploy/quickstart', () => {
  it.skipIf(!haveKubectl)('renders with no placeholder: no CA to paste, no KMS, no API server address, no IAM role', () => {
    const home = mkdtempSync(join(tmpdir(), 'gitseal-kustomize-'));
    const r = spawnSync('kubectl', ['kustomize', QUICKSTART], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: home } });
    rmSync(home, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(0);
    for (const placeholder of ['203.0.113', 'REPLACE-ME', '111122223333', 'role-arn', 'gitseal-rewrap-tls']) expect(r.stdout).not.toContain(placeholder);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
    const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    expect(named('ConfigMap', 'gitseal-rewrap-ca')).toBeUndefined(); // the service publishes it
    expect(named('Role', 'gitseal-rewrap-bootstrap')).toBeDefined();
    const config = parseServiceConfig(named('ConfigMap', 'gitseal-rewrap-config')!.data!['service.yaml']!, '/etc/gitseal/service.yaml');
    expect(config).toMatchObject({ root: { type: 'passphrase' }, bootstrap: { rootSecret: 'gitseal-rewrap-root', caConfigMap: 'gitseal-rewrap-ca' } });
    expect(config.bootstrap!.serverNames).toContain('gitseal-rewrap.gitseal.svc');
    for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) expect(JSON.stringify(np.spec)).not.toContain('ipBlock');
    const rewrap = JSON.stringify(named('Deployment', 'gitseal-rewrap')!.spec);
    expect(rewrap).not.toContain('"name":"tls"');
    expect(JSON.stringify(named('Deployment', 'gitseal-controller')!.spec)).toContain('gitseal-rewrap-ca');
    // The controller's trust file comes with the base: signatures not required until the user lists writers.
    expect(JSON.stringify(named('Deployment', 'gitseal-controller')!.spec)).toContain('gitseal-controller-trust');
    expect(named('ConfigMap', 'gitseal-controller-trust')!.data!['trust.yaml']).toMatch(/^requireSignatures: false$/m);
  });
});

describe('the rewrap service bootstraps itself in a cluster', () => {
  let k8s: ApiDouble;
  let core: CoreV1Api;
  let dir: string;
  let configFile: string;
  let kubeconfig: string;

  beforeAll(async () => {
    k8s = await startApiDouble();
    const kc = new KubeConfig();
    kc.loadFromString(k8s.kubeconfig());
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'gitseal' } } });
    dir = mkdtempSync(join(tmpdir(), 'gitseal-quickstart-'));
    kubeconfig = join(dir, 'kubeconfig');
    k8s.writeKubeconfig(kubeconfig);
    // The quick start's own configuration, with the pod's paths moved into a temporary folder.
    mkdirSync(join(dir, 'etc/policy'), { recursive: true });
    mkdirSync(join(dir, 'var'), { recursive: true });
    writeFileSync(join(dir, 'etc/policy/policy.yaml'), readFileSync(join(ROOT, 'examples/deploy/base/rewrap/policy.yaml')));
    configFile = join(dir, 'etc/service.yaml');
    // TokenReview goes to the double instead of the pod's in-cluster address.
    writeFileSync(join(dir, 'token'), 'not-a-real-token\n');
    const tokenReview = `tokenReview: {server: "${k8s.url}", tokenFile: "${join(dir, 'token')}"}`;
    const text = readFileSync(join(QUICKSTART, 'service.yaml'), 'utf8').replaceAll('/var/lib/gitseal', join(dir, 'var'));
    expect(text).toContain('tokenReview: {}');
    writeFileSync(configFile, text.replace('tokenReview: {}', tokenReview));
  });
  afterAll(async () => {
    await k8s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `gitseal serve` from the bundle, waits until it listens, returns what it logged, and stops it. */
  async function startOnce(): Promise<string> {
    const child = spawn(process.execPath, [gitsealCli(), 'serve', '--config', configFile, '--port', '0'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000);
      const poll = setInterval(() => {
        if (out.includes('rewrap service on')) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
      void exited.then((code) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code}:\n${out}`));
      });
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    return out;
  }

  const read = async () => ({
    secret: await core.readNamespacedSecret({ namespace: 'gitseal', name: 'gitseal-rewrap-root' }),
    ca: await core.readNamespacedConfigMap({ namespace: 'gitseal', name: 'gitseal-rewrap-ca' }),
    keys: readFileSync(join(dir, 'var/org-keys.yaml'), 'utf8'),
  });

  it('first start: the passphrase in a Secret (not on the volume), a certificate for the Service names, the CA published, an org key', async () => {
    const log = await startOnce();
    expect(log).toContain('created the root passphrase Secret');
    const { secret, ca, keys } = await read();
    const passphrase = Buffer.from(secret.data!.passphrase!, 'base64').toString();
    expect(passphrase.length).toBeGreaterThanOrEqual(40);
    expect(keys).toMatch(/kid: org-/);
    const caPem = ca.data!['ca.crt']!;
    expect(caPem).toBe(readFileSync(join(dir, 'var/tls/ca.crt'), 'utf8'));
    const server = new X509Certificate(readFileSync(join(dir, 'var/tls/tls.crt')));
    expect(server.verify(new X509Certificate(caPem).publicKey)).toBe(true);
    expect(server.checkHost('gitseal-rewrap.gitseal.svc')).toBe('gitseal-rewrap.gitseal.svc');
    expect(server.checkHost('gitseal-rewrap.gitseal.svc.cluster.local')).toBeDefined();
    // The root's secret never lands beside what it seals, nor in the log.
    for (const f of readdirSync(join(dir, 'var'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()))
      expect(readFileSync(join(f.parentPath, f.name), 'utf8')).not.toContain(passphrase);
    expect(log).not.toContain(passphrase);
  }, 120_000);

  it('later starts reuse the passphrase, the certificates and the key, and put back an edited CA ConfigMap', async () => {
    const before = await read();
    await core.replaceNamespacedConfigMap({ namespace: 'gitseal', name: 'gitseal-rewrap-ca', body: { ...before.ca, data: { 'ca.crt': 'tampered' } } });
    const log = await startOnce();
    expect(log).not.toContain('created the root passphrase Secret');
    expect(log).not.toContain('made a CA');
    const after = await read();
    expect(after.secret.metadata!.resourceVersion).toBe(before.secret.metadata!.resourceVersion);
    expect(after.keys).toBe(before.keys);
    expect(after.ca.data!['ca.crt']).toBe(before.ca.data!['ca.crt']);
  }, 120_000);
});
