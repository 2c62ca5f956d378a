import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withOutput, withRecipients } from '../shared-options.js';

const builder = (y: Argv) =>
  withRecipients(withOutput(y.positional('files', { type: 'string', array: true, describe: 'SOPS-encrypted files, or - for stdin', demandOption: true })))
    .option('scope', { choices: ['strict', 'namespace', 'cluster'] as const, describe: 'scope of imported Secrets (default: .gitseal.yaml)' })
    .option('age-key', { type: 'string', array: true, nargs: 1, describe: 'age identity file, repeatable (also read: $SOPS_AGE_KEY, $SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt)' })
    .option('input-type', { choices: ['yaml', 'json', 'dotenv'] as const, describe: 'SOPS file format (default: detected)' })
    .option('ignore-mac', { type: 'boolean', describe: 'import even when the SOPS MAC does not match (each value still authenticates)' });

export type ImportSopsOptions = OptionsOf<typeof builder>;

export const importSopsCommand = defineCommand({
  command: 'sops <files..>',
  describe: 'import SOPS files (YAML, JSON, dotenv; age, AWS KMS, GCP KMS): check the MAC and re-encrypt with gitseal',
  builder,
  load: () => import('./import-sops.js'),
});
