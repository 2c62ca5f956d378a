/**
 * The quick start's first start in a cluster (`bootstrap:` in the service
 * configuration). It makes what a fresh cluster lacks and reuses it on every
 * later start:
 * - the root passphrase, in a Secret of the service's namespace, never on the
 *   volume that holds the key it seals;
 * - a CA and a server certificate for the Service's DNS names, on the volume;
 * - the CA certificate, published in a ConfigMap the controller mounts to
 *   trust the service;
 * - the org key, sealed by that root, on the volume;
 * - the service's writer key, when the configuration names one, on the volume.
 * Production setups keep a KMS or HSM root and their own certificates
 * (examples/deploy); this is for trying gitseal on a cluster in one apply.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import { fail } from '../../core/errors.js';
import { writeAtomic } from '../../runtime/atomic-file.js';
import { makeDevCa } from './dev-pki.js';
import { Keyring } from './keyring.js';
import type { Logger } from '../../runtime/log.js';
import { openRoot } from '../roots/index.js';
import type { ServiceConfig } from './service-config.js';
import { createServiceWriterKey } from './service-writer-key.js';

export interface BootstrapConfig {
  namespace: string;
  /** Secret holding the root passphrase under `passphrase`. */
  rootSecret: string;
  /** ConfigMap the CA certificate is published in, under `ca.crt`. */
  caConfigMap: string;
  /** DNS names of the server certificate (the Service's). */
  serverNames: string[];
  caDays: number;
}

const status = (e: unknown): number | undefined => (e instanceof ApiException ? e.code : undefined);

async function readOrCreate<T>(read: () => Promise<T>, create: () => Promise<unknown>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (status(e) !== 404) throw e;
  }
  try {
    await create();
  } catch (e) {
    if (status(e) !== 409) throw e; // another replica made it first: use theirs
  }
  return read();
}

async function rootPassphrase(core: CoreV1Api, b: BootstrapConfig, log: Logger): Promise<string> {
  const secret = await readOrCreate(
    () => core.readNamespacedSecret({ namespace: b.namespace, name: b.rootSecret }),
    async () => {
      await core.createNamespacedSecret({
        namespace: b.namespace,
        body: { metadata: { name: b.rootSecret, namespace: b.namespace, labels: { 'app.kubernetes.io/managed-by': 'gitseal-rewrap' } }, type: 'Opaque', stringData: { passphrase: randomBytes(32).toString('base64url') } },
      });
      log('info', 'created the root passphrase Secret', { secret: b.rootSecret });
    },
  );
  const value = secret.data?.passphrase;
  if (!value) return fail('E_ROOT', `the Secret ${b.namespace}/${b.rootSecret} has no passphrase`);
  return Buffer.from(value, 'base64').toString('utf8');
}

/** The CA certificate; makes the CA and the server certificate when the files are missing. */
async function serverCertificate(config: ServiceConfig, b: BootstrapConfig, log: Logger): Promise<string> {
  const caFile = join(dirname(config.tls.cert), 'ca.crt');
  if (!existsSync(config.tls.cert) || !existsSync(config.tls.key) || !existsSync(caFile)) {
    const ca = await makeDevCa('gitseal rewrap CA', b.caDays);
    const server = await ca.issue(b.serverNames[0]!, 'server', b.serverNames);
    for (const dir of new Set([dirname(config.tls.key), dirname(config.tls.cert)])) mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeAtomic(config.tls.key, server.key, 0o600);
    writeAtomic(config.tls.cert, server.cert, 0o644);
    writeAtomic(caFile, ca.ca.cert, 0o644);
    log('info', 'made a CA and a server certificate', { names: b.serverNames.join(','), days: b.caDays });
  }
  return readFileSync(caFile, 'utf8');
}

async function publishCa(core: CoreV1Api, b: BootstrapConfig, caPem: string, log: Logger): Promise<void> {
  const body = { metadata: { name: b.caConfigMap, namespace: b.namespace }, data: { 'ca.crt': caPem } };
  const live = await readOrCreate(
    () => core.readNamespacedConfigMap({ namespace: b.namespace, name: b.caConfigMap }),
    () => core.createNamespacedConfigMap({ namespace: b.namespace, body }),
  );
  if (live.data?.['ca.crt'] === caPem) return;
  await core.replaceNamespacedConfigMap({ namespace: b.namespace, name: b.caConfigMap, body: { ...body, metadata: { ...body.metadata, resourceVersion: live.metadata?.resourceVersion } } });
  log('info', 'published the CA certificate', { configMap: b.caConfigMap });
}

/**
 * Runs the bootstrap; returns the environment the service's root needs
 * (the passphrase under `root.passphraseEnv`).
 */
export async function bootstrapCluster(config: ServiceConfig, b: BootstrapConfig, core: CoreV1Api, log: Logger): Promise<Record<string, string>> {
  if (config.root.type !== 'passphrase') return fail('E_CONFIG', `${config.file}: bootstrap needs a passphrase root`);
  const env = { [config.root.passphraseEnv]: await rootPassphrase(core, b, log) };
  await publishCa(core, b, await serverCertificate(config, b, log), log);
  if (!existsSync(config.keys)) {
    const root = await openRoot(config.root, { ...process.env, ...env });
    try {
      await Keyring.create(config.keys, root);
      log('info', 'created the org key', { keys: config.keys });
    } finally {
      await root.close();
    }
  }
  const writer = config.writerKey ? createServiceWriterKey(config.writerKey) : null;
  if (writer) log('info', 'created the service writer key', { writerKid: writer.kid });
  return env;
}
