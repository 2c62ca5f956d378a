import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .positional('subject', { type: 'string', demandOption: true })
    .positional('scope', { type: 'string', demandOption: true })
    .option('policy', { type: 'string', demandOption: true, describe: 'policy file' })
    .option('operation', { choices: ['rewrap', 'write', 'keys.rotate', 'keys.revoke', 'keys.destroy'] as const, default: 'rewrap' as const })
    .option('json', { type: 'boolean' });

export type PolicyCheckOptions = OptionsOf<typeof builder>;

export const policyCheckCommand = defineCommand({
  command: 'check <subject> <scope>',
  describe: 'explain whether SUBJECT may rewrap (or write) SCOPE, which rule decides, and whether SCOPE requires signatures',
  builder,
  load: () => import('./policy-check.js'),
});
