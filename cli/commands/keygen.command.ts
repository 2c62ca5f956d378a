import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .option('output', { alias: 'o', type: 'string', describe: 'keystore file to write (mode 0600)' })
    .option('passphrase', { type: 'boolean', describe: 'seal the key with a passphrase (GITSEAL_PASSPHRASE or a prompt)' })
    .option('alg', { choices: ['mlkem1024-x25519', 'mlkem1024'] as const, default: 'mlkem1024-x25519' as const })
    .option('force', { type: 'boolean', describe: 'overwrite an existing keystore' })
    .option('writer', { type: 'boolean', describe: 'make a writer key that signs what you encrypt (ML-DSA-65 + Ed25519); prints its public key' })
    .option('name', { type: 'string', describe: 'with --writer: your name as documents will show it (default: user@host)' })
    .option('signing-key', { type: 'boolean', describe: 'make an Ed25519 key that signs requests to the rewrap service instead' });

export type KeygenOptions = OptionsOf<typeof builder>;

export const keygenCommand = defineCommand({
  command: 'keygen',
  describe: 'make a new local org key; prints its public recipient',
  builder,
  load: () => import('./keygen.js'),
});
