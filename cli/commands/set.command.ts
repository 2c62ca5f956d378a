import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFile, withKey, withFollowSymlinks } from '../shared-options.js';

const builder = (y: Argv) =>
  withFollowSymlinks(withKey(withFile(y)))
    .positional('path', { type: 'string', demandOption: true })
    .positional('value', { type: 'string', demandOption: true })
    .nargs('value', 1)
    .option('base64', { type: 'boolean', describe: 'store VALUE base64-encoded (for Secret data)' })
    .option('json', { type: 'boolean', describe: 'VALUE is JSON: numbers, booleans, null, strings' });

export type SetOptions = OptionsOf<typeof builder>;

export const setCommand = defineCommand({
  command: 'set <file> <path> <value>',
  describe: 'set one value, e.g. stringData.password (VALUE - reads stdin)',
  builder,
  load: () => import('./set.js'),
});
