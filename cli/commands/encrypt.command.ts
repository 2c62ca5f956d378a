import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withKey, withOutput, withRecipients, withSomeFiles } from '../shared-options.js';

const builder = (y: Argv) =>
  withRecipients(withKey(withOutput(withSomeFiles(y, 'files to encrypt, or - for stdin; several need -i')))).option('scope', {
    choices: ['strict', 'namespace', 'cluster'] as const,
    describe: 'scope binding (default: .gitseal.yaml, else strict)',
  });

export type EncryptOptions = OptionsOf<typeof builder>;

export const encryptCommand = defineCommand({
  command: 'encrypt <file> [more..]',
  describe: 'encrypt the values of a YAML/JSON file (a Secret becomes an EncryptedSecret)',
  builder,
  load: () => import('./encrypt.js'),
});
