import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { OUTPUT_TYPES, withKey, withOutput, withSomeFiles } from '../shared-options.js';

const builder = (y: Argv) =>
  withKey(withOutput(withSomeFiles(y, 'encrypted files, or - for stdin; several need -i')))
    .option('extract', { type: 'string', describe: 'print the one value at PATH, raw (stringData.password, data["tls.key"] or sops\'s ["data"]["password"])' })
    .option('output-type', { choices: OUTPUT_TYPES, describe: 'yaml (the exact original), json, or dotenv (NAME=value lines, as exec-env would set them)' });

export type DecryptOptions = OptionsOf<typeof builder>;

export const decryptCommand = defineCommand({
  command: 'decrypt <file> [more..]',
  describe: 'decrypt to the exact original bytes',
  builder,
  load: () => import('./decrypt.js'),
});
