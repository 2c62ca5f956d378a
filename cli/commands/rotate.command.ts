import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFiles, withKey } from '../shared-options.js';

const builder = (y: Argv) => withKey(withFiles(y));

export type RotateOptions = OptionsOf<typeof builder>;

export const rotateCommand = defineCommand({
  command: 'rotate <files..>',
  describe: 'new DEK: every value is re-encrypted',
  builder,
  load: () => import('./rotate.js'),
});
