import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withKey, withFollowSymlinks } from '../shared-options.js';

const builder = (y: Argv) =>
  withFollowSymlinks(withKey(y.positional('files', { type: 'string', array: true, describe: 'encrypted files (with --all: folders or files to limit it to)' })))
    .option('all', { type: 'boolean', describe: 'every tracked file a creation rule in .gitseal.yaml matches' });

export type RotateOptions = OptionsOf<typeof builder>;

export const rotateCommand = defineCommand({
  command: 'rotate [files..]',
  describe: 'new DEK: every value is re-encrypted',
  builder,
  load: () => import('./rotate.js'),
});
