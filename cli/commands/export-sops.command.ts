import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFile, withKey } from '../shared-options.js';

const builder = (y: Argv) =>
  withKey(withFile(y))
    .option('age', { type: 'string', array: true, nargs: 1, describe: 'age recipient (age1...), repeatable (default: $SOPS_AGE_RECIPIENTS)' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the SOPS file to OUT instead of stdout' });

export type ExportSopsOptions = OptionsOf<typeof builder>;

export const exportSopsCommand = defineCommand({
  command: 'sops <file>',
  describe: 'decrypt a gitseal file and write it as a SOPS file for age recipients',
  builder,
  load: () => import('./export-sops.js'),
});
