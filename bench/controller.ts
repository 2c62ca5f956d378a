/**
 * controller: `gitseal controller` from the bundle as its own process,
 * against the Kubernetes API double (in this process) and `gitseal serve`
 * (its own process) on loopback.
 * - cold start: 10,000 existing EncryptedSecrets → 10,000 Secrets written;
 * - change latency: 1,000 updates, one at a time, from the API write of the
 *   EncryptedSecret to the Secret with the new value in the API;
 * - the controller's peak RSS with 10,000 objects.
 * The seed target (1 s from change to Secret) is printed beside the goals.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { parseRecipient } from '../core/recipients/index.js';
import { encryptStream } from '../core/stream.js';
import { devSetup } from '../kms/dev-setup.js';
import { startApiDouble } from '../test/k8s/api-double.js';
import { median, note, peakRssMb, spawnGitseal, type Goal, type Workspace } from './harness.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 10_000);
const CHANGES = Math.min(1_000, OBJECTS);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const manifest = (i: number, value: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-${i}\n  namespace: ns-${i % 20}\ntype: Opaque\nstringData:\n  password: ${value}\n  user: app-${i}\n`;


export async function controller(ws: Workspace): Promise<Goal[]> {
  console.log('\n== controller (gitseal controller and gitseal serve as processes, Kubernetes API double over HTTP)');
  const dev = await devSetup(join(ws.dir, 'serve-ctl'));
  const serve = await spawnGitseal(['serve', '--config', dev.config.file, '--port', '0'], { ...ws.env, ...dev.serviceEnv }, /rewrap service on (https:\/\/\S+)/);
  const k8s = await startApiDouble();
  const kubeconfig = join(ws.dir, 'kubeconfig');
  k8s.writeKubeconfig(kubeconfig);
  const kc = new KubeConfig();
  kc.loadFromString(k8s.kubeconfig());
  const custom = kc.makeApiClient(CustomObjectsApi);
  let ctl: ChildProcess | undefined;
  try {
    const { ApiextensionsV1Api } = await import('@kubernetes/client-node');
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: parse(readFileSync('schemas/encryptedsecret.crd.yaml', 'utf8')) as never });
    const recipient = parseRecipient(readFileSync(dev.config.keys, 'utf8').match(/recipient: (\S+)/)![1]!);
    const encrypt = (i: number, value: string) => parse(encryptStream(manifest(i, value), { recipients: [recipient], scope: 'strict' })) as { metadata: { name: string; namespace: string } };

    const core = kc.makeApiClient((await import('@kubernetes/client-node')).CoreV1Api);
    for (let n = 0; n < 20; n++) await core.createNamespace({ body: { metadata: { name: `ns-${n}` } } });
    const t0 = performance.now();
    const crs: ReturnType<typeof encrypt>[] = [];
    for (let i = 0; i < OBJECTS; i++) {
      crs.push(encrypt(i, `v0-${i}`));
      if (i % 1000 === 999) await sleep(0); // let the API double and the service breathe
    }
    note(`encrypted ${fmt(OBJECTS)} EncryptedSecrets in ${fmt(performance.now() - t0)} ms (setup, not measured)`);
    for (let i = 0; i < OBJECTS; i += 50)
      await Promise.all(crs.slice(i, i + 50).map((cr) => custom.createNamespacedCustomObject({ group: 'gitseal.dev', version: 'v1', plural: 'encryptedsecrets', namespace: cr.metadata.namespace, body: cr })));

    const env = { ...ws.env, ...dev.clientEnv, GITSEAL_SERVER: serve.match[1]! };
    const started = performance.now();
    const nodeArgs = process.env.BENCH_CONTROLLER_NODE_ARGS?.split(' ') ?? [];
    const c = await spawnGitseal(['controller', '--kubeconfig', kubeconfig, '--metrics-addr', '127.0.0.1:0', '--workers', process.env.BENCH_WORKERS ?? '128'], env, /informers synced/, nodeArgs);
    ctl = c.child;
    // Listing copies every object: look only every 100 ms, so the bench does not take the CPU it measures.
    while (k8s.list('v1', 'Secret').length < OBJECTS) {
      if (performance.now() - started > 300_000) throw new Error('cold start did not finish in 5 minutes');
      await sleep(500);
    }
    const cold = (performance.now() - started) / 1000;
    note(`cold start: ${fmt(OBJECTS)} Secrets written ${cold.toFixed(1)} s after the controller started (goal ≤ 30 s)`);
    await sleep(1_000);

    const latencies: number[] = [];
    const changes = Array.from({ length: CHANGES }, (_, n) => encrypt(n % OBJECTS, `v1-${n}`));
    for (const [n, cr] of changes.entries()) {
      const { namespace, name } = cr.metadata;
      const live = k8s.get('gitseal.dev/v1', 'EncryptedSecret', namespace, name) as { metadata: Record<string, unknown> };
      const want = Buffer.from(`v1-${n}`).toString('base64');
      const t = performance.now();
      await custom.replaceNamespacedCustomObject({ group: 'gitseal.dev', version: 'v1', plural: 'encryptedsecrets', namespace, name, body: { ...cr, metadata: { ...live.metadata, ...cr.metadata } } });
      // Read the Secret only when the store has moved on (a get copies the object).
      let seenRv = '';
      for (;;) {
        if (k8s.resourceVersion !== seenRv) {
          seenRv = k8s.resourceVersion;
          if ((k8s.get('v1', 'Secret', namespace, name) as { data?: Record<string, string> } | undefined)?.data?.password === want) break;
        }
        if (performance.now() - t > 10_000) throw new Error(`change ${n} not written within 10 s`);
        await new Promise((r) => setImmediate(r));
      }
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const p50 = median(latencies);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    const rss = peakRssMb(ctl.pid!);
    note(`change → Secret over ${fmt(CHANGES)} changes: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (seed target 1,000 ms)`);
    note(`controller peak RSS with ${fmt(OBJECTS)} objects: ${rss.toFixed(0)} MB`);
    writeFileSync(join(ws.dir, 'controller-latencies.json'), JSON.stringify(latencies));
    return [
      { bench: 'controller', what: `cold start, ${fmt(OBJECTS)} objects`, measured: cold * 1000, unit: 'ms', limit: 30_000 },
      { bench: 'controller', what: 'change → Secret p50', measured: p50, unit: 'ms', limit: 25, note: 'seed target 1,000 ms' },
      { bench: 'controller', what: 'change → Secret p99', measured: p99, unit: 'ms', limit: 100, note: 'seed target 1,000 ms' },
      { bench: 'controller', what: `controller peak RSS, ${fmt(OBJECTS)} objects`, measured: rss, unit: 'MB', limit: 200 },
    ];
  } finally {
    ctl?.kill('SIGTERM');
    serve.child.kill('SIGTERM');
    await k8s.close();
  }
}
