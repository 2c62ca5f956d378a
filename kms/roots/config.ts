/**
 * The `root:` section of the service configuration (DESIGN §2 "root of
 * trust"), already parsed from YAML, checked into a discriminated union.
 */
import { fail } from '../../core/errors.js';
import type { RootKind } from '../types.js';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

interface Common {
  /** Seconds between two checks of the root by the service's kill switch. */
  checkInterval: number;
}

export interface PassphraseRootConfig extends Common {
  type: 'passphrase';
  /** Inline passphrase; when absent it is read from `passphraseEnv`. */
  passphrase?: string;
  passphraseEnv: string;
  /** Parameters for sealing; unsealing reads them from the sealed blob. */
  scrypt: ScryptParams;
}

export interface Pkcs11RootConfig extends Common {
  type: 'pkcs11';
  /** Path of the PKCS#11 module (.so). */
  module: string;
  tokenLabel: string;
  keyLabel: string;
  pinEnv: string;
  /** A file holding the PIN; wins over `pinEnv` when set. */
  pinFile?: string;
}

export interface AwsKmsRootConfig extends Common {
  type: 'aws-kms';
  keyId: string;
  region: string;
  endpoint?: string;
}

export interface GcpKmsRootConfig extends Common {
  type: 'gcp-kms';
  /** 'projects/P/locations/L/keyRings/R/cryptoKeys/K' */
  name: string;
  /** 'host', 'host:port', 'https://host[:port]' or, on loopback only, 'http://host:port'. */
  apiEndpoint?: string;
}

export type RootConfig = PassphraseRootConfig | Pkcs11RootConfig | AwsKmsRootConfig | GcpKmsRootConfig;
export type RootConfigOf<K extends RootKind> = Extract<RootConfig, { type: K }>;

export const DEFAULT_CHECK_INTERVAL = 300;
export const DEFAULT_PASSPHRASE_ENV = 'GITSEAL_ROOT_PASSPHRASE';
export const DEFAULT_PIN_ENV = 'GITSEAL_HSM_PIN';
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 1 };
/** Bounds for scrypt parameters, also applied to those read from a sealed blob (a hostile N would exhaust memory). */
export const SCRYPT_LIMITS = { minLogN: 14, maxLogN: 20, maxR: 32, maxP: 16 } as const;

const KEYS: Record<RootKind, readonly string[]> = {
  passphrase: ['passphrase', 'passphraseEnv', 'scrypt'],
  pkcs11: ['module', 'tokenLabel', 'keyLabel', 'pinEnv', 'pinFile'],
  'aws-kms': ['keyId', 'region', 'endpoint'],
  'gcp-kms': ['name', 'apiEndpoint'],
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GCP_KEY_NAME = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const AWS_REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks `value` (the `root:` mapping) and fills in defaults. `where` names
 * it in messages (e.g. 'serve.yaml: root'). Throws E_CONFIG on anything
 * missing, misspelt or out of range.
 */
export function parseRootConfig(value: unknown, where: string): RootConfig {
  if (!isRecord(value)) fail('E_CONFIG', `${where} must be a mapping with a type`);
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(KEYS, type)) {
    fail('E_CONFIG', `${where}: type must be one of ${Object.keys(KEYS).join(', ')}`);
  }
  const kind = type as RootKind;
  const allowed = new Set(['type', 'checkInterval', ...KEYS[kind]]);
  for (const k of Object.keys(value)) if (!allowed.has(k)) fail('E_CONFIG', `${where}: unknown field ${k} for type ${kind}`);

  const f = fields(value, where);
  const checkInterval = f.number('checkInterval', DEFAULT_CHECK_INTERVAL, 1, 86_400);
  switch (kind) {
    case 'passphrase': {
      if (value.passphrase !== undefined && value.passphraseEnv !== undefined) {
        fail('E_CONFIG', `${where}: give passphrase or passphraseEnv, not both`);
      }
      const passphrase = f.optString('passphrase');
      return {
        type: kind,
        ...(passphrase === undefined ? {} : { passphrase }),
        passphraseEnv: f.envName('passphraseEnv', DEFAULT_PASSPHRASE_ENV),
        scrypt: scryptParams(value.scrypt, `${where}: scrypt`),
        checkInterval,
      };
    }
    case 'pkcs11': {
      if (value.pinFile !== undefined && value.pinEnv !== undefined) fail('E_CONFIG', `${where}: give pinEnv or pinFile, not both`);
      const pinFile = f.optString('pinFile');
      return {
        type: kind,
        module: f.string('module'),
        tokenLabel: f.string('tokenLabel'),
        keyLabel: f.string('keyLabel'),
        pinEnv: f.envName('pinEnv', DEFAULT_PIN_ENV),
        ...(pinFile === undefined ? {} : { pinFile }),
        checkInterval,
      };
    }
    case 'aws-kms': {
      const region = f.string('region');
      if (!AWS_REGION.test(region)) fail('E_CONFIG', `${where}: region ${JSON.stringify(region)} is not an AWS region such as eu-west-1`);
      const endpoint = f.optString('endpoint');
      if (endpoint !== undefined) endpointUrl(endpoint, `${where}: endpoint`);
      return { type: kind, keyId: f.string('keyId'), region, ...(endpoint === undefined ? {} : { endpoint }), checkInterval };
    }
    case 'gcp-kms': {
      const name = f.string('name');
      if (!GCP_KEY_NAME.test(name)) fail('E_CONFIG', `${where}: name must be projects/P/locations/L/keyRings/R/cryptoKeys/K`);
      const apiEndpoint = f.optString('apiEndpoint');
      if (apiEndpoint !== undefined) endpointUrl(apiEndpoint, `${where}: apiEndpoint`);
      return { type: kind, name, ...(apiEndpoint === undefined ? {} : { apiEndpoint }), checkInterval };
    }
  }
}

/**
 * Parses an endpoint; a bare 'host[:port]' means https. Plain http is
 * refused except to loopback: the sealed org key and the credentials
 * would cross the network in the clear.
 */
export function endpointUrl(value: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    return fail('E_CONFIG', `${where} ${JSON.stringify(value)} is not a URL or host:port`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('E_CONFIG', `${where} must be https`);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) fail('E_CONFIG', `${where}: plain http is only allowed to a loopback address`);
  if (url.username || url.password) fail('E_CONFIG', `${where} must not hold credentials`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) fail('E_CONFIG', `${where} must be a bare origin`);
  return url;
}

function scryptParams(value: unknown, where: string): ScryptParams {
  if (value === undefined) return { ...DEFAULT_SCRYPT };
  if (!isRecord(value)) fail('E_CONFIG', `${where} must be a mapping with N, r, p`);
  for (const k of Object.keys(value)) if (!['N', 'r', 'p'].includes(k)) fail('E_CONFIG', `${where}: unknown field ${k}`);
  const f = fields(value, where);
  const N = f.number('N', DEFAULT_SCRYPT.N, 2 ** SCRYPT_LIMITS.minLogN, 2 ** SCRYPT_LIMITS.maxLogN);
  if ((N & (N - 1)) !== 0) fail('E_CONFIG', `${where}: N must be a power of two`);
  return { N, r: f.number('r', DEFAULT_SCRYPT.r, 1, SCRYPT_LIMITS.maxR), p: f.number('p', DEFAULT_SCRYPT.p, 1, SCRYPT_LIMITS.maxP) };
}

function fields(o: Record<string, unknown>, where: string) {
  const optString = (k: string): string | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') fail('E_CONFIG', `${where}: ${k} must be a non-empty string`);
    return v;
  };
  return {
    optString,
    string(k: string): string {
      return optString(k) ?? fail('E_CONFIG', `${where}: ${k} is required`);
    },
    envName(k: string, dflt: string): string {
      const v = optString(k) ?? dflt;
      if (!ENV_NAME.test(v)) fail('E_CONFIG', `${where}: ${k} must name an environment variable`);
      return v;
    },
    number(k: string, dflt: number, min: number, max: number): number {
      const v = o[k] ?? dflt;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        fail('E_CONFIG', `${where}: ${k} must be an integer from ${min} to ${max}`);
      }
      return v;
    },
  };
}
