import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import type { CommandTable } from '../command-tree.js';
import type { HelpTopicName } from '../help-topics.js';

// The topics that are not commands (help-topics.ts), named here without loading it: a record, so the compiler asks for each.
const TOPICS: Readonly<Record<HelpTopicName, true>> = { 'exit-codes': true, environment: true };
const topics = Object.keys(TOPICS).join(', ');

const builder = (y: Argv) => y.positional('topic', { type: 'string', array: true, describe: `a command, e.g. decrypt or git setup, or a topic: ${topics}` });

export type HelpOptions = OptionsOf<typeof builder>;

/** `help` prints the table's own help, so the table hands itself over (cli/command-tree.ts, CommandTable). */
export const helpCommand = (table: CommandTable) =>
  defineCommand({
    command: 'help [topic..]',
    describe: `print the help of gitseal, of a command ("gitseal help git setup" is "gitseal git setup --help") or of a topic: ${topics}`,
    builder,
    load: async () => {
      const { run } = await import('./help.js');
      return { run: (opts: HelpOptions) => run(opts, table) };
    },
  });
