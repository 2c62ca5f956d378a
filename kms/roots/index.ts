/**
 * Opens the root of trust a configuration names. Each provider is imported
 * only when used, so the cloud SDKs and the PKCS#11 addon (optional packages)
 * load only for the root that needs them.
 */
import { fail, isGitsealError } from '../../core/errors.js';
import { loadOptional } from '../optional-package.js';
import type { RootKind, RootOfTrust } from '../types.js';
import type { RootConfig, RootConfigOf } from './config.js';

export { parseRootConfig, DEFAULT_CHECK_INTERVAL, type RootConfig } from './config.js';

interface Provider<C extends RootConfig> {
  open(config: C, env: NodeJS.ProcessEnv): Promise<RootOfTrust>;
  /** Makes the root's key when it is missing; returns whether it made one. */
  createKey?(config: C, env: NodeJS.ProcessEnv): Promise<boolean>;
}

type Providers = { [K in RootKind]: () => Promise<Provider<RootConfigOf<K>>> };

const providers: Providers = {
  passphrase: async () => ({ open: (await import('./passphrase.js')).openPassphraseRoot }),
  pkcs11: async () => {
    const m = await loadOptional('pkcs11js', () => import('./pkcs11.js'));
    return { open: m.openPkcs11Root, createKey: m.createPkcs11Key };
  },
  'aws-kms': async () => ({ open: (await loadOptional('@aws-sdk/client-kms', () => import('./aws-kms.js'))).openAwsKmsRoot }),
  'gcp-kms': async () => ({ open: (await loadOptional('@google-cloud/kms', () => import('./gcp-kms.js'))).openGcpKmsRoot }),
};

async function load<K extends RootKind>(kind: K): Promise<Provider<RootConfigOf<K>>> {
  try {
    return await providers[kind]();
  } catch (e) {
    if (isGitsealError(e)) throw e;
    return fail('E_ROOT', `the ${kind} root of trust is not available in this build: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Opens the root. Throws E_ROOT when it is misconfigured or its support
 * cannot load (e.g. no passphrase or PIN in `env`, module not loadable);
 * whether the key itself still answers shows at the first seal/unseal.
 */
export async function openRoot(config: RootConfig, env: NodeJS.ProcessEnv = process.env): Promise<RootOfTrust> {
  return openWith(config.type, config, env);
}

async function openWith<K extends RootKind>(kind: K, config: RootConfigOf<K>, env: NodeJS.ProcessEnv): Promise<RootOfTrust> {
  return (await load(kind)).open(config, env);
}

/**
 * Makes the root's key where gitseal can (pkcs11: an AES-256 key object in
 * the token, for `serve --dev` and tests) and returns whether it made one;
 * passphrase and KMS roots have nothing to make and return false.
 */
export async function createRootKey(config: RootConfig, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return createWith(config.type, config, env);
}

async function createWith<K extends RootKind>(kind: K, config: RootConfigOf<K>, env: NodeJS.ProcessEnv): Promise<boolean> {
  const provider = await load(kind);
  return provider.createKey ? provider.createKey(config, env) : false;
}
