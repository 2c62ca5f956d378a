import { fail } from '../../core/errors.js';
import type { CommandNode, CommandTable } from '../command-tree.js';
import { nearest } from '../suggest.js';
import type { HelpOptions } from './help.command.js';

/** Refuses a topic that names no command, with the nearest one. */
function checkTopic(root: CommandNode, topic: readonly string[]): void {
  let node = root;
  for (const [i, word] of topic.entries()) {
    const names = node.subcommands.map((c) => c.path.at(-1)!);
    const sub = node.subcommands.find((c) => c.path.at(-1) === word);
    if (sub === undefined) {
      const guess = nearest(word, names);
      const asked = topic.slice(0, i + 1).join(' ');
      fail('E_USAGE', guess === null ? `unknown help topic ${asked}: gitseal help lists them` : `unknown help topic ${asked}; did you mean ${[...topic.slice(0, i), guess].join(' ')}?`);
    }
    node = sub;
  }
}

export async function run(opts: HelpOptions, table: CommandTable): Promise<void> {
  const topic = opts.topic ?? [];
  checkTopic(table.tree(), topic);
  process.stdout.write(`${await table.help(topic)}\n`);
}
