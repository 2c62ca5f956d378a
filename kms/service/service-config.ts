/**
 * The rewrap service's configuration file (`gitseal serve --config FILE`).
 * Paths are relative to the file's folder. Example: examples/serve/service.yaml.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { fail } from '../../core/errors.js';
import { parseAuthConfig, type AuthConfig } from '../auth/config.js';
import type { BootstrapConfig } from './cluster-bootstrap.js';
import { parseRootConfig, type RootConfig } from '../roots/index.js';
import { DEFAULT_LIMITS, type ServerLimits } from './server-limits.js';
import { MAX_BATCH } from '../protocol/types.js';
import { parseServiceWriters, type RegisteredWriter } from './service-writers.js';

export const SERVICE_CONFIG_VERSION = 1;

export interface ServiceConfig {
  file: string;
  listen: { host: string; port: number };
  tls: { cert: string; key: string; clientCa?: string; requireClientCert: boolean };
  root: RootConfig;
  keys: string;
  policy: string;
  audit: string;
  /** The service's own writer key file (service-writer-key.ts): it signs for authenticated callers (POST /v1/sign). */
  writerKey?: string;
  /** Writer keys the service accepts signatures of, each for one subject (service-writers.ts). */
  writers: RegisteredWriter[];
  auth: AuthConfig;
  limits: ServerLimits;
  workers?: number;
  kemBackend: 'auto' | 'liboqs' | 'noble';
  /** The quick start: make the root passphrase, certificates and org key on first start in a cluster (cluster-bootstrap.ts). */
  bootstrap?: BootstrapConfig;
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (file: string, what: string): never => fail('E_CONFIG', `${file}: ${what}`);

function str(o: Fields, key: string, file: string, where: string): string {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : bad(file, `${where}.${key} must be a non-empty string`);
}

function num(o: Fields, key: string, file: string, where: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = o[key];
  if (v === undefined) return fallback;
  return typeof v === 'number' && v > 0 && v <= max ? v : bad(file, `${where}.${key} must be a positive number up to ${max}`);
}

/** A full batch must fit in one burst, or it would be refused with a Retry-After that never comes true. */
function burstOf(rate: Fields, file: string): number {
  const burst = num(rate, 'burst', file, 'limits.rate', DEFAULT_LIMITS.rate.burst);
  return burst >= MAX_BATCH ? burst : bad(file, `limits.rate.burst must be at least ${MAX_BATCH} (one full batch)`);
}

const KNOWN = new Set(['gitseal-service', 'listen', 'tls', 'root', 'keys', 'policy', 'audit', 'writerKey', 'writers', 'auth', 'limits', 'workers', 'kemBackend', 'bootstrap']);

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function parseBootstrap(v: unknown, file: string): BootstrapConfig | undefined {
  if (v === undefined) return undefined;
  if (!isFields(v)) return bad(file, 'bootstrap must be a mapping');
  for (const k of Object.keys(v)) if (!['namespace', 'rootSecret', 'caConfigMap', 'serverNames', 'caDays'].includes(k)) bad(file, `unknown setting bootstrap.${k.slice(0, 40)}`);
  const name = (key: string, fallback: string): string => {
    const s = v[key] ?? fallback;
    return typeof s === 'string' && DNS_NAME.test(s) ? s : bad(file, `bootstrap.${key} must be a Kubernetes name`);
  };
  const namespace = name('namespace', 'gitseal');
  const names = v['serverNames'] ?? ['gitseal-rewrap', `gitseal-rewrap.${namespace}`, `gitseal-rewrap.${namespace}.svc`, `gitseal-rewrap.${namespace}.svc.cluster.local`];
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && DNS_NAME.test(n))) return bad(file, 'bootstrap.serverNames must be a list of DNS names');
  return { namespace, rootSecret: name('rootSecret', 'gitseal-rewrap-root'), caConfigMap: name('caConfigMap', 'gitseal-rewrap-ca'), serverNames: names as string[], caDays: num(v, 'caDays', file, 'bootstrap', 3650, 36500) };
}

export function parseServiceConfig(text: string, file: string): ServiceConfig {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) bad(file, 'not valid YAML');
  let c: unknown;
  try {
    c = doc.toJS({ maxAliasCount: 0 });
  } catch {
    return bad(file, 'YAML aliases are not allowed');
  }
  if (!isFields(c) || c['gitseal-service'] !== SERVICE_CONFIG_VERSION) return bad(file, `gitseal-service must be ${SERVICE_CONFIG_VERSION}`);
  for (const k of Object.keys(c)) if (!KNOWN.has(k)) bad(file, `unknown setting ${JSON.stringify(k.slice(0, 40))}`);
  const base = dirname(resolve(file));
  const path = (p: string): string => resolve(base, p);
  const listen = isFields(c['listen']) ? c['listen'] : {};
  const tls = isFields(c['tls']) ? c['tls'] : bad(file, 'tls needs cert and key (TLS 1.3 is required)');
  const limits = isFields(c['limits']) ? c['limits'] : {};
  const rate = isFields(limits['rate']) ? limits['rate'] : {};
  const failedAuth = isFields(limits['failedAuth']) ? limits['failedAuth'] : {};
  const maxBodyBytes = num(limits, 'maxBodyBytes', file, 'limits', DEFAULT_LIMITS.maxBodyBytes, 64 * 1024 * 1024);
  const bodyBytesInFlight = num(limits, 'bodyBytesInFlight', file, 'limits', Math.max(DEFAULT_LIMITS.bodyBytesInFlight, maxBodyBytes));
  if (bodyBytesInFlight < maxBodyBytes) bad(file, 'limits.bodyBytesInFlight must be at least limits.maxBodyBytes, or a full body would never be read');
  const kemBackend = c['kemBackend'] ?? 'auto';
  if (kemBackend !== 'auto' && kemBackend !== 'liboqs' && kemBackend !== 'noble') return bad(file, 'kemBackend must be auto, liboqs or noble');
  const workers = c['workers'];
  if (workers !== undefined && (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > 64)) bad(file, 'workers must be an integer from 1 to 64');
  return {
    file,
    listen: { host: typeof listen['host'] === 'string' ? listen['host'] : '127.0.0.1', port: num(listen, 'port', file, 'listen', 8443, 65535) },
    tls: {
      cert: path(str(tls, 'cert', file, 'tls')),
      key: path(str(tls, 'key', file, 'tls')),
      ...(typeof tls['clientCa'] === 'string' ? { clientCa: path(tls['clientCa']) } : {}),
      requireClientCert: tls['requireClientCert'] === true,
    },
    root: parseRootConfig(c['root'], `${file}: root`),
    keys: path(str(c, 'keys', file, 'config')),
    policy: path(str(c, 'policy', file, 'config')),
    audit: path(str(c, 'audit', file, 'config')),
    ...(c['writerKey'] === undefined ? {} : { writerKey: path(str(c, 'writerKey', file, 'config')) }),
    writers: parseServiceWriters(c['writers'], file),
    auth: parseAuthConfig(c['auth'] ?? {}),
    limits: {
      maxBodyBytes,
      maxConnections: num(limits, 'maxConnections', file, 'limits', DEFAULT_LIMITS.maxConnections),
      maxBodiesInFlight: num(limits, 'maxBodiesInFlight', file, 'limits', DEFAULT_LIMITS.maxBodiesInFlight),
      bodyBytesInFlight,
      headersTimeoutMs: num(limits, 'headersTimeoutMs', file, 'limits', DEFAULT_LIMITS.headersTimeoutMs),
      requestTimeoutMs: num(limits, 'requestTimeoutMs', file, 'limits', DEFAULT_LIMITS.requestTimeoutMs),
      keepAliveTimeoutMs: num(limits, 'keepAliveTimeoutMs', file, 'limits', DEFAULT_LIMITS.keepAliveTimeoutMs),
      rate: { rate: num(rate, 'rate', file, 'limits.rate', DEFAULT_LIMITS.rate.rate), burst: burstOf(rate, file) },
      failedAuth: {
        rate: num(failedAuth, 'rate', file, 'limits.failedAuth', DEFAULT_LIMITS.failedAuth.rate),
        burst: num(failedAuth, 'burst', file, 'limits.failedAuth', DEFAULT_LIMITS.failedAuth.burst),
      },
    },
    ...(typeof workers === 'number' ? { workers } : {}),
    kemBackend,
    ...(c['bootstrap'] === undefined ? {} : { bootstrap: parseBootstrap(c['bootstrap'], file)! }),
  };
}

export function loadServiceConfig(file: string): ServiceConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return fail('E_IO', `cannot read the service configuration ${file}`);
  }
  return parseServiceConfig(text, file);
}
