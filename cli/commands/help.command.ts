import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import type { CommandTable } from '../command-tree.js';

const builder = (y: Argv) => y.positional('topic', { type: 'string', array: true, describe: 'a command, e.g. decrypt or git setup' });

export type HelpOptions = OptionsOf<typeof builder>;

/** `help` prints the table's own help, so the table hands itself over (cli/command-tree.ts, CommandTable). */
export const helpCommand = (table: CommandTable) =>
  defineCommand({
    command: 'help [topic..]',
    describe: 'print the help of gitseal or of a command: "gitseal help git setup" is "gitseal git setup --help"',
    builder,
    load: async () => {
      const { run } = await import('./help.js');
      return { run: (opts: HelpOptions) => run(opts, table) };
    },
  });
