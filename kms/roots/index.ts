/**
 * The roots of trust, as a plain list: adding one is a module (see
 * root-module.ts) and a line in ROOT_MODULES. Configuration parsing,
 * opening and key making go through the module of the configured kind,
 * which imports its implementation (and optional package) only then.
 */
import { fail, isGitsealError } from '../../core/errors.js';
import type { RootOfTrust } from './types.js';
import { awsKmsRoot } from './aws-kms.js';
import { isRecord } from '../../core/is-record.js';
import { configFields } from './config.js';
import { gcpKmsRoot } from './gcp-kms.js';
import { passphraseRoot } from './passphrase.js';
import { pkcs11Root } from './pkcs11.js';
import type { RootImplementation, RootModule } from './root-module.js';

/** In this order in messages. */
export const ROOT_MODULES = [passphraseRoot, pkcs11Root, awsKmsRoot, gcpKmsRoot] as const;

type ConfigOf<M> = M extends RootModule<infer C> ? C : never;
/** The `root:` section of the service configuration, checked. */
export type RootConfig = ConfigOf<(typeof ROOT_MODULES)[number]>;

export const DEFAULT_CHECK_INTERVAL = 300;

/**
 * Checks `value` (the `root:` mapping) and fills in defaults. `where` names
 * it in messages (e.g. 'serve.yaml: root'). Throws E_CONFIG on anything
 * missing, misspelt or out of range.
 */
export function parseRootConfig(value: unknown, where: string): RootConfig {
  if (!isRecord(value)) fail('E_CONFIG', `${where} must be a mapping with a type`);
  const root = ROOT_MODULES.find((m) => m.kind === value.type);
  if (!root) return fail('E_CONFIG', `${where}: type must be one of ${ROOT_MODULES.map((m) => m.kind).join(', ')}`);
  const allowed = new Set(['type', 'checkInterval', ...root.fields]);
  for (const k of Object.keys(value)) if (!allowed.has(k)) fail('E_CONFIG', `${where}: unknown field ${k} for type ${root.kind}`);
  const read = configFields(value, where);
  return root.parse(read, { checkInterval: read.number('checkInterval', DEFAULT_CHECK_INTERVAL, 1, 86_400) });
}

async function implementationOf(config: RootConfig): Promise<RootImplementation<RootConfig>> {
  // Widened to every kind's configuration: a module is only ever handed one of its own kind, found by config.type.
  const root: RootModule<RootConfig> | undefined = ROOT_MODULES.find((m) => m.kind === config.type);
  if (!root) return fail('E_ROOT', `no root of trust of type ${String(config.type)}`);
  try {
    return await root.load();
  } catch (e) {
    if (isGitsealError(e)) throw e;
    return fail('E_ROOT', `the ${root.kind} root of trust is not available in this build: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Opens the root. Throws E_ROOT when it is misconfigured or its support
 * cannot load (e.g. no passphrase or PIN in `env`, module not loadable),
 * E_MISSING_FEATURE when its optional package is not installed; whether
 * the key itself still answers shows at the first seal/unseal.
 */
export async function openRoot(config: RootConfig, env: NodeJS.ProcessEnv = process.env): Promise<RootOfTrust> {
  return (await implementationOf(config)).open(config, env);
}

/**
 * Makes the root's key where gitseal can (pkcs11: an AES-256 key object in
 * the token, for `serve --dev` and tests) and returns whether it made one;
 * passphrase and KMS roots have nothing to make and return false.
 */
export async function createRootKey(config: RootConfig, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const implementation = await implementationOf(config);
  return implementation.createKey ? implementation.createKey(config, env) : false;
}
