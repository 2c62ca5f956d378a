import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFile, withKey, withFollowSymlinks } from '../shared-options.js';

const builder = (y: Argv) => withFollowSymlinks(withKey(withFile(y))).positional('path', { type: 'string', demandOption: true });

export type UnsetOptions = OptionsOf<typeof builder>;

export const unsetCommand = defineCommand({
  command: 'unset <file> <path>',
  describe: 'remove one value',
  builder,
  load: () => import('./unset.js'),
});
