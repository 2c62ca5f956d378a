import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withOutput, withRecipients } from '../shared-options.js';

const builder = (y: Argv) =>
  withRecipients(
    withOutput(y.positional('files', { type: 'string', array: true, describe: 'SealedSecret files (YAML/JSON), or - for stdin', demandOption: true })).option('key', {
      type: 'string',
      array: true,
      nargs: 1,
      demandOption: true,
      describe: 'sealed-secrets controller private key: PEM (PKCS#1/PKCS#8) or its key Secret YAML; repeat for rotated keys',
    }),
  );

export type ImportSealedSecretsOptions = OptionsOf<typeof builder>;

export const importSealedSecretsCommand = defineCommand({
  command: 'sealed-secrets <files..>',
  describe: 'decrypt Bitnami SealedSecrets with the controller key and write EncryptedSecrets with the same scope',
  builder,
  load: () => import('./import-sealed-secrets.js'),
});
