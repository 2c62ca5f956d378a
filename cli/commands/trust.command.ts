import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .positional('action', { choices: ['list', 'add', 'remove', 'require'] as const, demandOption: true })
    .positional('name', { type: 'string', describe: 'add, remove: the writer\'s name (remove also takes a kid); require: on or off' })
    .positional('key', { type: 'string', describe: 'add: the writer key, gitseal-writer1:mldsa65-ed25519:…' })
    .option('signs-for', { type: 'boolean', describe: 'add: a rewrap service key, trusted to name the subject it signs for' });

export type TrustOptions = OptionsOf<typeof builder>;

export const trustCommand = defineCommand({
  command: 'trust <action> [name] [key]',
  describe: 'writers whose signatures you accept ($GITSEAL_TRUST or ~/.config/gitseal/trust.yaml): list, add NAME KEY, remove NAME, require on|off',
  builder,
  load: () => import('./trust.js'),
});
