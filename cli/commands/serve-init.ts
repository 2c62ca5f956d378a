/**
 * `gitseal serve init --config FILE [--import KEYSTORE]`: the rewrap
 * service's org key file, with a new key or the keys of a local keystore
 * (moving the org key off laptops), sealed by the configured root of trust;
 * and its writer key file (mode 0600) when the configuration names one
 * (`writerKey`) that does not exist yet.
 */
import type { RecipientAlg } from '../../core/crypto/recipients/types.js';
import { readInput } from '../files.js';
import { passphraseFor } from '../keys.js';
import type { ServeInitOptions } from './serve-init.command.js';

export async function run(opts: ServeInitOptions): Promise<number> {
  const { loadServiceConfig } = await import('../../kms/service/service-config.js');
  const { openRoot } = await import('../../kms/roots/index.js');
  const { Keyring } = await import('../../kms/service/keyring.js');
  const config = loadServiceConfig(String(opts.config));
  let keys: { alg: RecipientAlg; secret: Uint8Array }[] | undefined;
  if (typeof opts.import === 'string') {
    const text = readInput(opts.import);
    const { isKeystoreSealed, keystoreSecrets } = await import('../../core/crypto/keystore.js');
    keys = keystoreSecrets(text, isKeystoreSealed(text) ? await passphraseFor(opts.import) : undefined);
  }
  const root = await openRoot(config.root, process.env);
  try {
    const made = await Keyring.create(config.keys, root, keys);
    for (const k of made) process.stdout.write(`${k.state} ${k.kid} ${k.recipient}\n`);
    if (config.writerKey) {
      const [{ createServiceWriterKey }, { formatWriter }] = await Promise.all([import('../../kms/service/service-writer-key.js'), import('../../core/crypto/writer-key.js')]);
      const writer = createServiceWriterKey(config.writerKey);
      if (writer) process.stdout.write(`writer ${writer.kid} ${formatWriter(writer)}\n`);
    }
  } finally {
    for (const k of keys ?? []) k.secret.fill(0);
    await root.close();
  }
  return 0;
}
