import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFile, withKey, withFollowSymlinks } from '../shared-options.js';

const builder = (y: Argv) => withFollowSymlinks(withKey(withFile(y)));

export type EditOptions = OptionsOf<typeof builder>;

export const editCommand = defineCommand({
  command: 'edit <file>',
  describe: 'edit the plaintext in $EDITOR (kept off persistent disk); only changed values are re-encrypted',
  builder,
  load: () => import('./edit.js'),
});
