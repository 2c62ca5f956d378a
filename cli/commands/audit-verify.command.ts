import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .positional('log', { type: 'string', demandOption: true })
    .option('expect-head', { type: 'string', describe: 'the last hash you recorded: detects removed trailing records' })
    .option('json', { type: 'boolean' });

export type AuditVerifyOptions = OptionsOf<typeof builder>;

export const auditVerifyCommand = defineCommand({
  command: 'verify <log>',
  describe: 'check that no record of the hash-chained audit log was edited, removed or reordered',
  builder,
  load: () => import('./audit-verify.js'),
});
