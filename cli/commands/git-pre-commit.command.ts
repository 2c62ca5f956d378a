import type { Argv } from 'yargs';
import { defineCommand } from '../command.js';

export const gitPreCommitCommand = defineCommand({
  command: 'pre-commit',
  describe: 'refuse staged plaintext Secrets, unencrypted files the creation rules match, and private keys',
  builder: (y: Argv) => y,
  load: () => import('./git-pre-commit.js'),
});
