import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .positional('log', { type: 'string', demandOption: true })
    .option('expect-head', { type: 'string', describe: 'the last hash you recorded: detects removed trailing records' })
    .option('checkpoint', { type: 'string', describe: 'a checkpoint saved from GET /v1/audit/head (a JSON file): the log must hold that head at that seq' })
    .option('writer', { type: 'string', describe: "the service's writer key (gitseal-writer1:…, from GET /v1/keys): the checkpoint must be signed by it" })
    .option('json', { type: 'boolean' });

export type AuditVerifyOptions = OptionsOf<typeof builder>;

export const auditVerifyCommand = defineCommand({
  command: 'verify <log>',
  describe: 'check that no record of the hash-chained audit log was edited, removed or reordered, and that it holds a signed checkpoint',
  builder,
  load: () => import('./audit-verify.js'),
});
