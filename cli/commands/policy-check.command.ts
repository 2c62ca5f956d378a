import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .positional('subject', { type: 'string', demandOption: true })
    .positional('scope', { type: 'string', demandOption: true })
    .option('policy', { type: 'string', demandOption: true, describe: 'policy file' })
    .option('operation', { choices: ['rewrap', 'keys.rotate', 'keys.revoke', 'keys.destroy'] as const, default: 'rewrap' as const })
    .option('json', { type: 'boolean' });

export type PolicyCheckOptions = OptionsOf<typeof builder>;

export const policyCheckCommand = defineCommand({
  command: 'check <subject> <scope>',
  describe: 'explain whether SUBJECT may rewrap SCOPE, and which rule decides',
  builder,
  load: () => import('./policy-check.js'),
});
