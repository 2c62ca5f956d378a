/**
 * `gitseal serve --dev DIR`: everything a local rewrap service needs, made
 * once in DIR and reused on the next start — a CA and a server certificate
 * for localhost, a developer signing key, an org key sealed with a random
 * passphrase, the service's writer key, a policy that lets the developer do
 * everything, and the service configuration. For trying gitseal out, not for production: the
 * root passphrase sits in DIR beside the key it seals.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../../runtime/atomic-file.js';
import { generateSigningKey } from '../auth/request-signature.js';
import { LOCAL_HOSTS, makeDevCa } from './dev-pki.js';
import { Keyring } from './keyring.js';
import { openRoot } from '../roots/index.js';
import { loadServiceConfig, type ServiceConfig } from './service-config.js';
import { createServiceWriterKey } from './service-writer-key.js';

export const DEV_KEY_ID = 'developer';
const PASSPHRASE_ENV = 'GITSEAL_DEV_ROOT_PASSPHRASE';

export interface DevSetup {
  config: ServiceConfig;
  dir: string;
  /** Environment for the CLI to use this service. */
  clientEnv: Record<string, string>;
  /** Environment the service itself needs (the root passphrase). */
  serviceEnv: Record<string, string>;
  created: boolean;
}

const POLICY = `gitseal-policy: 1
rules:
  - name: the local developer may do everything
    subjects: ["dev:${DEV_KEY_ID}"]
    scopes: ["*"]
    operations: [rewrap, write, keys.rotate, keys.revoke, keys.destroy]
`;

const serviceYaml = (port: number): string => `gitseal-service: 1
listen: {host: 127.0.0.1, port: ${port}}
tls: {cert: server.pem, key: server-key.pem}
root: {type: passphrase, passphraseEnv: ${PASSPHRASE_ENV}}
keys: org-keys.yaml
policy: policy.yaml
audit: audit.log
writerKey: writer-key.yaml
auth:
  ed25519:
    keys: {${DEV_KEY_ID}: "PUBLIC"}
`;

export async function devSetup(dir: string, port = 8443): Promise<DevSetup> {
  const file = join(dir, 'service.yaml');
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ca = await makeDevCa();
    const server = await ca.issue('gitseal-serve', 'server', LOCAL_HOSTS);
    writeAtomic(join(dir, 'ca.pem'), ca.ca.cert, 0o644);
    writeAtomic(join(dir, 'server.pem'), server.cert, 0o644);
    writeAtomic(join(dir, 'server-key.pem'), server.key, 0o600);
    const signing = generateSigningKey();
    writeAtomic(join(dir, `${DEV_KEY_ID}.pem`), signing.privatePem, 0o600);
    writeAtomic(join(dir, 'root-passphrase'), randomBytes(24).toString('base64url'), 0o600);
    writeAtomic(join(dir, 'policy.yaml'), POLICY, 0o644);
    writeAtomic(file, serviceYaml(port || 8443).replace('PUBLIC', signing.publicKey), 0o644);
    created = true;
  }
  const serviceEnv = { [PASSPHRASE_ENV]: readFileSync(join(dir, 'root-passphrase'), 'utf8').trim() };
  const config = loadServiceConfig(file);
  if (config.writerKey) createServiceWriterKey(config.writerKey);
  if (!existsSync(config.keys)) {
    const root = await openRoot(config.root, { ...process.env, ...serviceEnv });
    try {
      await Keyring.create(config.keys, root);
    } finally {
      await root.close();
    }
  }
  return {
    config,
    dir,
    created,
    serviceEnv,
    clientEnv: {
      GITSEAL_SERVER: `https://127.0.0.1:${config.listen.port}`,
      GITSEAL_SERVER_CA: join(dir, 'ca.pem'),
      GITSEAL_SIGNING_KEY: join(dir, `${DEV_KEY_ID}.pem`),
      GITSEAL_SIGNING_KEY_ID: DEV_KEY_ID,
    },
  };
}
