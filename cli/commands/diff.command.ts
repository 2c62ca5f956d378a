import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withKey } from '../shared-options.js';

const builder = (y: Argv) =>
  withKey(y)
    .positional('args', { type: 'string', array: true, describe: 'two files, or with --git: [HEAD] [PATH...]' })
    .option('git', { type: 'string', describe: 'compare every encrypted file changed since this ref (or in BASE..HEAD, BASE...HEAD)' })
    .option('json', { type: 'boolean', describe: 'machine-readable output' })
    .option('show-values', { type: 'boolean', describe: 'print the values themselves (needs a key)' })
    .option('without-key', { type: 'boolean', describe: 'report by token only; do not load a key' });

export type DiffCommandOptions = OptionsOf<typeof builder>;

export const diffCommand = defineCommand({
  command: 'diff [args..]',
  describe: 'semantic diff of encrypted files: A B, or --git BASE [HEAD] [PATH...]; exit 1 when they differ',
  builder,
  load: () => import('./diff.js'),
});
