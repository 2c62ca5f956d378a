/**
 * `gitseal controller`: runs the Kubernetes controller until SIGTERM or
 * SIGINT, then drains its work, releases its lease and stops.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fail } from '../../core/errors.js';
import { untilSignalled } from '../signals.js';
import type { ControllerOptions } from './controller.command.js';

function addressOf(text: string, option: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(text);
  if (!m) fail('E_USAGE', `${option} must be HOST:PORT or :PORT, not ${JSON.stringify(text.slice(0, 40))}`);
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}

/** The token in the file, read for each scrape; read once here first, so a missing or empty file stops the start. */
function metricsToken(path: string): () => string {
  const read = (): string => {
    const token = readFileSync(path, 'utf8').trim();
    if (!token) throw new Error('empty');
    return token;
  };
  try {
    read();
  } catch {
    fail('E_USAGE', `--metrics-token-file: ${path} cannot be read or is empty`);
  }
  return read;
}

export async function run(opts: ControllerOptions): Promise<number> {
  const trustPath = opts.trustedWriters || process.env.GITSEAL_TRUSTED_WRITERS || undefined;
  if (opts.requireSignatures && !trustPath) fail('E_USAGE', '--require-signatures needs the writers to trust: --trusted-writers FILE (or GITSEAL_TRUSTED_WRITERS)');
  const listeners = {
    ...(typeof opts.metricsAddr === 'string' && opts.metricsAddr !== '' ? { http: addressOf(opts.metricsAddr, '--metrics-addr') } : {}),
    ...(typeof opts.healthAddr === 'string' && opts.healthAddr !== '' ? { health: addressOf(opts.healthAddr, '--health-addr') } : {}),
    ...(typeof opts.metricsTokenFile === 'string' && opts.metricsTokenFile !== '' ? { metricsToken: metricsToken(opts.metricsTokenFile) } : {}),
  };
  const { PooledKubeConfig } = await import('../../controller/pooled-kube-config.js');
  const { Controller } = await import('../../controller/controller.js');
  const { TrustFile } = await import('../../controller/writer-trust.js');
  const { clientFromEnv } = await import('../../kms/client/client-env.js');
  const { jsonLogger } = await import('../../runtime/log.js');
  const log = jsonLogger();
  // Read before anything starts: a trust file that does not parse stops the controller (E_IO, E_WRITER_KEY).
  const trust = trustPath ? new TrustFile(trustPath, { requireSignatures: opts.requireSignatures === true, log }) : undefined;
  if (trust) log('info', 'trusting writers', { path: trustPath, writers: trust.current().writers.length, requireSignatures: trust.current().required });
  const kc = new PooledKubeConfig();
  if (typeof opts.kubeconfig === 'string') kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  const client = clientFromEnv();
  const namespaces = typeof opts.namespaces === 'string' && opts.namespaces !== '' ? opts.namespaces.split(',').map((s) => s.trim()) : [];
  const controller = new Controller({
    kubeConfig: kc,
    namespaces,
    client,
    log,
    ...(trust ? { trust } : {}),
    ...(typeof opts.workers === 'number' ? { workers: opts.workers } : {}),
    ...listeners,
    ...(opts.leaderElect ? { leaderElection: { namespace: String(opts.leaseNamespace ?? 'gitseal'), name: String(opts.leaseName ?? 'gitseal-controller'), identity: process.env.POD_NAME ?? hostname() } } : {}),
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
