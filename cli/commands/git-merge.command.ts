import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withKey } from '../shared-options.js';

// The positionals are typed with .string(), not .positional(): git calls this driver, and its help lists only --key.
const builder = (y: Argv) => withKey(y).string(['base', 'ours', 'theirs', 'path']);

export type GitMergeOptions = OptionsOf<typeof builder>;

export const gitMergeCommand = defineCommand({
  command: 'merge <base> <ours> <theirs> [path]',
  describe: 'three-way merge of an encrypted file at the value level (git merge driver)',
  builder,
  load: () => import('./git-merge.js'),
});
