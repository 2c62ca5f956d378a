import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFiles, withKey, withRecipients, withFollowSymlinks } from '../shared-options.js';

const builder = (y: Argv) => withRecipients(withFollowSymlinks(withKey(withFiles(y))), 'recipients instead of .gitseal.yaml, repeatable');

export type UpdatekeysOptions = OptionsOf<typeof builder>;

export const updatekeysCommand = defineCommand({
  command: 'updatekeys <files..>',
  describe: 'apply recipient changes from .gitseal.yaml; values keep their ciphertext',
  builder,
  load: () => import('./updatekeys.js'),
});
