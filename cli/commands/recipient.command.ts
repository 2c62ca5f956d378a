import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .option('check', { type: 'string', describe: 'fail (E_RECIPIENT, nothing printed) unless the recipient is this kid, e.g. org-3f2a9c1d7e5b4a60' })
    .option('json', { type: 'boolean', describe: 'print {kid, alg, recipient} as JSON' });

export type RecipientOptions = OptionsOf<typeof builder>;

export const recipientCommand = defineCommand({
  command: 'recipient',
  describe: "print the org's public recipient from the rewrap service at GITSEAL_SERVER (no credential needed) and its kid",
  builder,
  load: () => import('./recipient.js'),
});
