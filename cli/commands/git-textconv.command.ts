import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFile, withKey } from '../shared-options.js';

const builder = (y: Argv) => withKey(withFile(y));

export type GitTextconvOptions = OptionsOf<typeof builder>;

export const gitTextconvCommand = defineCommand({
  command: 'textconv <file>',
  describe: 'print a decrypted view for git diff (key names and fingerprints, no values)',
  builder,
  load: () => import('./git-textconv.js'),
});
