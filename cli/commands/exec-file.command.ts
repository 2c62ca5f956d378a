import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { OUTPUT_TYPES, withFile, withKey } from '../shared-options.js';

const builder = (y: Argv) =>
  withKey(withFile(y))
    .positional('cmd', { type: 'string', array: true })
    .option('output-type', { choices: OUTPUT_TYPES, describe: 'the file given to the command: yaml (the exact original), json or dotenv' })
    .option('filename', { type: 'string', describe: 'name of the file in its RAM folder (default: FILE\'s name without .enc)' });

export type ExecFileOptions = OptionsOf<typeof builder>;

export const execFileCommand = defineCommand({
  command: 'exec-file <file> [cmd..]',
  describe: 'run a command on the decrypted file, held in RAM and wiped after: {} in its arguments is the path',
  builder,
  load: () => import('./exec-file.js'),
});
