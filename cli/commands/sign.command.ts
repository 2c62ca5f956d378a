import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFiles, withKey, withFollowSymlinks } from '../shared-options.js';

const builder = (y: Argv) => withFollowSymlinks(withKey(withFiles(y)));

export type SignOptions = OptionsOf<typeof builder>;

export const signCommand = defineCommand({
  command: 'sign <files..>',
  describe: 'sign every document of encrypted files with your writer key; ciphertext lines stay as they are',
  builder,
  load: () => import('./sign.js'),
});
