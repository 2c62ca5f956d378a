import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .option('config', { type: 'string', demandOption: true, describe: 'service configuration file' })
    .option('import', { type: 'string', describe: 'move the keys of this local keystore into the service' });

export type ServeInitOptions = OptionsOf<typeof builder>;

export const serveInitCommand = defineCommand({
  command: 'init',
  describe: 'create the org key file sealed by the root of trust, and the service writer key file if the configuration names one',
  builder,
  load: () => import('./serve-init.js'),
});
