import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .positional('action', { choices: ['list', 'rotate', 'revoke', 'destroy', 'writer'] as const, demandOption: true })
    .positional('kid', { type: 'string' })
    .option('json', { type: 'boolean' });

export type KeysOptions = OptionsOf<typeof builder>;

export const keysCommand = defineCommand({
  command: 'keys <action> [kid]',
  describe: 'org keys of the rewrap service at GITSEAL_SERVER: list, rotate, revoke KID, destroy KID; writer: the key it signs for callers with',
  builder,
  load: () => import('./keys.js'),
});
