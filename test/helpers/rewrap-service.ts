/**
 * A real rewrap service for tests: TLS from a throw-away CA, a root of
 * trust (passphrase by default, or any root config), an org key, a policy,
 * an audit log, Ed25519 developer keys and, when asked, the service's writer
 * key and the writer keys it knows, all in a temp folder; the
 * service runs in this process on 127.0.0.1 and its log lines are kept for
 * canary checks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WriterPublic } from '../../core/crypto/writer-key.js';
import { generateSigningKey } from '../../kms/auth/request-signature.js';
import { LOCAL_HOSTS, makeDevCa, type DevCa } from '../../kms/service/dev-pki.js';
import { Keyring } from '../../kms/service/keyring.js';
import { openRoot } from '../../kms/roots/index.js';
import { startService, type RunningService } from '../../kms/service/serve.js';
import { parseServiceConfig } from '../../kms/service/service-config.js';
import { createServiceWriterKey } from '../../kms/service/service-writer-key.js';

export interface TestServiceOptions {
  /** Developer names that get an Ed25519 key (subject dev:NAME). */
  developers?: string[];
  policy: string;
  /** YAML of the root section; default a passphrase root. */
  root?: string;
  /** Environment for the root (passphrase, PIN, AWS credentials). */
  rootEnv?: Record<string, string>;
  /** Extra YAML under auth: (serviceAccounts, oidc, mtls). */
  auth?: string;
  /** Extra top-level YAML (limits). */
  extra?: string;
  /** Unwrap worker threads (default 1). */
  workers?: number;
  /** Issue a client certificate per developer too (mTLS). */
  clientCerts?: boolean;
  /** Give the service its own writer key (POST /v1/sign). */
  writerKey?: boolean;
  /** Writer keys the service knows (`writers:`), `gitseal-writer1:…` by subject. */
  writers?: Record<string, string>;
}

export interface TestService {
  dir: string;
  url: string;
  running: RunningService;
  ca: DevCa;
  caFile: string;
  recipient: string;
  kid: string;
  /** The service's writer key, when it was given one. */
  writerKey: WriterPublic | null;
  logs: string[];
  auditFile: string;
  policyFile: string;
  /** Environment for the gitseal CLI acting as developer `name`. */
  envFor(name: string): Record<string, string>;
  close(): Promise<void>;
}

const PASS_ENV = { GITSEAL_TEST_ROOT_PASSPHRASE: 'test root passphrase, not secret' };

export async function startTestService(opts: TestServiceOptions): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-serve-'));
  const ca = await makeDevCa();
  const server = await ca.issue('gitseal-serve', 'server', LOCAL_HOSTS);
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    return join(dir, name);
  };
  const caFile = write('ca.pem', ca.ca.cert);
  write('server.pem', server.cert);
  write('server-key.pem', server.key);
  const developers = opts.developers ?? [];
  const keys = developers.map((name) => ({ name, ...generateSigningKey() }));
  for (const k of keys) write(`${k.name}.pem`, k.privatePem);
  if (opts.clientCerts)
    for (const name of developers) {
      const c = await ca.issue(name, 'client');
      write(`${name}-cert.pem`, c.cert);
      write(`${name}-key.pem`, c.key);
    }
  const policyFile = write('policy.yaml', opts.policy);
  const writerKey = opts.writerKey ? createServiceWriterKey(join(dir, 'writer-key.yaml')) : null;
  const writers = Object.entries(opts.writers ?? {}).map(([subject, key]) => `  - {subject: "${subject}", key: "${key}"}`);
  const ed = keys.length ? `  ed25519:\n    keys:\n${keys.map((k) => `      ${k.name}: "${k.publicKey}"`).join('\n')}\n` : '';
  const text = [
    'gitseal-service: 1',
    'listen: {host: 127.0.0.1, port: 8443}',
    `tls: {cert: server.pem, key: server-key.pem${opts.clientCerts ? ', clientCa: ca.pem' : ''}}`,
    opts.root ?? 'root: {type: passphrase, passphraseEnv: GITSEAL_TEST_ROOT_PASSPHRASE, scrypt: {N: 16384, r: 8, p: 1}}',
    'keys: org-keys.yaml',
    'policy: policy.yaml',
    'audit: audit.log',
    `workers: ${opts.workers ?? 1}`,
    opts.writerKey ? 'writerKey: writer-key.yaml' : '',
    writers.length ? `writers:\n${writers.join('\n')}` : '',
    `auth:\n${ed}${opts.auth ?? ''}`,
    opts.extra ?? '',
  ].join('\n');
  const configFile = write('service.yaml', text);
  const config = parseServiceConfig(text, configFile);
  const env = { ...process.env, ...PASS_ENV, ...opts.rootEnv };
  const root = await openRoot(config.root, env);
  const [made] = await Keyring.create(config.keys, root).finally(() => root.close());
  const logs: string[] = [];
  const running = await startService(config, { port: 0, env, log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) });
  return {
    dir,
    url: running.url,
    running,
    ca,
    caFile,
    recipient: made!.recipient,
    kid: made!.kid,
    writerKey,
    logs,
    auditFile: join(dir, 'audit.log'),
    policyFile,
    envFor: (name) => ({
      GITSEAL_SERVER: running.url,
      GITSEAL_SERVER_CA: caFile,
      GITSEAL_SIGNING_KEY: join(dir, `${name}.pem`),
      GITSEAL_SIGNING_KEY_ID: name,
    }),
    close: async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const readAudit = (s: TestService): Record<string, unknown>[] =>
  readFileSync(s.auditFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
