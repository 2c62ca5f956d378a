import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { serveInitCommand } from './serve-init.command.js';

const builder = (y: Argv) =>
  y
    .option('config', { type: 'string', describe: 'service configuration file' })
    .option('dev', { type: 'string', describe: 'make and run a local development service in DIR (default .gitseal-dev)' })
    .option('port', { type: 'number', describe: 'listen on this port instead of the configured one' })
    .conflicts('config', 'dev');

export type ServeOptions = OptionsOf<typeof builder>;

export const serveCommand = defineCommand({
  command: 'serve',
  describe: 'run the rewrap service (the only holder of the org private key)',
  builder,
  subcommands: [serveInitCommand],
  load: () => import('./serve.js'),
});
