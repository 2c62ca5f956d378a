import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import type { CommandTable } from '../command-tree.js';

const builder = (y: Argv) => y.positional('shell', { choices: ['bash', 'zsh', 'fish'] as const, demandOption: true, describe: 'the shell to complete for' });

export type CompletionOptions = OptionsOf<typeof builder>;

/** The script completes the commands and options of the table, which hands itself over (cli/command-tree.ts, CommandTable). */
export const completionCommand = (table: CommandTable) =>
  defineCommand({
    command: 'completion <shell>',
    describe: 'print a completion script: source <(gitseal completion bash) in ~/.bashrc; zsh and fish likewise',
    builder,
    load: async () => {
      const { run } = await import('./completion.js');
      return { run: (opts: CompletionOptions) => run(opts, table) };
    },
  });
