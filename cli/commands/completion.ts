import type { CommandNode, CommandTable } from '../command-tree.js';
import { bashScript } from '../completion-bash.js';
import { fishScript } from '../completion-fish.js';
import { zshScript } from '../completion-zsh.js';
import type { CompletionOptions } from './completion.command.js';

const SCRIPTS: Readonly<Record<CompletionOptions['shell'], (root: CommandNode) => string>> = { bash: bashScript, zsh: zshScript, fish: fishScript };

export async function run(opts: CompletionOptions, table: CommandTable): Promise<void> {
  process.stdout.write(SCRIPTS[opts.shell](table.tree()));
}
