import { fail } from '../../core/errors.js';
import type { CommandNode, CommandTable } from '../command-tree.js';
import { HELP_TOPICS, helpWidth, isHelpTopic, type HelpTopicName } from '../help-topics.js';
import { nearest } from '../suggest.js';
import type { HelpOptions } from './help.command.js';

/** The text of each topic that is not a command, its module loaded only when asked. */
const TOPICS: Readonly<Record<HelpTopicName, (width: number) => Promise<string>>> = {
  'exit-codes': async (width) => (await import('../help-exit-codes.js')).exitCodesText(width),
  environment: async (width) => (await import('../help-environment.js')).environmentText(width),
};

/** Refuses a topic that names no command, with the nearest one. */
function checkTopic(root: CommandNode, topic: readonly string[]): void {
  let node = root;
  for (const [i, word] of topic.entries()) {
    const names = [...node.subcommands.map((c) => c.path.at(-1)!), ...(i === 0 ? HELP_TOPICS.map((t) => t.name) : [])];
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
  const [first, ...rest] = topic;
  if (first !== undefined && isHelpTopic(first)) {
    if (rest.length > 0) fail('E_USAGE', `help topic ${first} has no subtopics: gitseal help ${first}`);
    process.stdout.write(`${await TOPICS[first](helpWidth())}\n`);
    return;
  }
  checkTopic(table.tree(), topic);
  process.stdout.write(`${await table.help(topic)}\n`);
}
