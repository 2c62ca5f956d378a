import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withRecipientOptions } from '../shared-options.js';

const builder = (y: Argv) =>
  withRecipientOptions(y, 'public recipient, repeatable (default: your keystore)')
    .option('scope', { choices: ['strict', 'namespace', 'cluster'] as const, default: 'strict' as const })
    .option('key', { type: 'string', describe: 'keystore whose recipients to use' })
    .option('force', { type: 'boolean', describe: 'overwrite an existing .gitseal.yaml' });

export type InitOptions = OptionsOf<typeof builder>;

export const initCommand = defineCommand({
  command: 'init',
  describe: 'write .gitseal.yaml (recipients, creation rules, readable paths, scope)',
  builder,
  load: () => import('./init.js'),
});
