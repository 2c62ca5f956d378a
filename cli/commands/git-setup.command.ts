import type { Argv } from 'yargs';
import { defineCommand } from '../command.js';

export const gitSetupCommand = defineCommand({
  command: 'setup',
  describe: 'install .gitattributes entries, the textconv diff driver, the merge driver and the pre-commit guard (idempotent)',
  builder: (y: Argv) => y,
  load: () => import('./git-setup.js'),
});
