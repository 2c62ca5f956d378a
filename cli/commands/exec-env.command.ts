import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withFile, withKey } from '../shared-options.js';

const builder = (y: Argv) =>
  withKey(withFile(y))
    .positional('cmd', { type: 'string', array: true })
    .option('allow-env', { type: 'string', array: true, nargs: 1, describe: 'let this variable through although it changes how programs run (NODE_OPTIONS, LD_*, PATH, …); repeatable' });

export type ExecEnvOptions = OptionsOf<typeof builder>;

export const execEnvCommand = defineCommand({
  command: 'exec-env <file> [cmd..]',
  describe: 'run a command with the decrypted values in its environment',
  builder,
  load: () => import('./exec-env.js'),
});
