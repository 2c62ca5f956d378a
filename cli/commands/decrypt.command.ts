import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFile, withKey, withOutput } from '../shared-options.js';

const builder = (y: Argv) => withKey(withOutput(withFile(y)));

export type DecryptOptions = OptionsOf<typeof builder>;

export const decryptCommand = defineCommand({
  command: 'decrypt <file>',
  describe: 'decrypt to the exact original bytes',
  builder,
  load: () => import('./decrypt.js'),
});
