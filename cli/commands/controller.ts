/**
 * `gitseal controller`: runs the Kubernetes controller until SIGTERM or
 * SIGINT, then drains its work, releases its lease and stops.
 */
import { hostname } from 'node:os';
import { fail } from '../../core/errors.js';
import { untilSignalled } from '../signals.js';

function addressOf(text: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(text);
  if (!m) fail('E_USAGE', `--metrics-addr must be HOST:PORT or :PORT, not ${JSON.stringify(text.slice(0, 40))}`);
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}

export async function run(argv: Record<string, unknown>): Promise<number> {
  const { PooledKubeConfig } = await import('../../controller/pooled-kube-config.js');
  const { Controller } = await import('../../controller/controller.js');
  const { clientFromEnv } = await import('../../kms/client-env.js');
  const { jsonLogger } = await import('../../kms/log.js');
  const kc = new PooledKubeConfig();
  if (typeof argv.kubeconfig === 'string') kc.loadFromFile(argv.kubeconfig);
  else kc.loadFromDefault();
  const log = jsonLogger();
  const client = clientFromEnv();
  const namespaces = typeof argv.namespaces === 'string' && argv.namespaces !== '' ? argv.namespaces.split(',').map((s) => s.trim()) : [];
  const controller = new Controller({
    kubeConfig: kc,
    namespaces,
    client,
    log,
    ...(typeof argv.workers === 'number' ? { workers: argv.workers } : {}),
    ...(typeof argv.metricsAddr === 'string' && argv.metricsAddr !== '' ? { http: addressOf(argv.metricsAddr) } : {}),
    ...(argv.leaderElect ? { leaderElection: { namespace: String(argv.leaseNamespace ?? 'gitseal'), name: String(argv.leaseName ?? 'gitseal-controller'), identity: process.env.POD_NAME ?? hostname() } } : {}),
  });
  const signalled = untilSignalled();
  // The first list may wait for an API server that is not up yet; a signal must still stop it.
  await Promise.race([controller.start(), signalled]);
  await signalled;
  log('info', 'shutting down');
  await controller.stop();
  await kc.closePool();
  client.close();
  return 0;
}
