/**
 * What a completion script needs of each command, flattened from the
 * command tree: the words that may follow it. The scripts for bash, zsh and
 * fish (completion-*.ts) are this data written in each shell's syntax,
 * plus one small loop that finds the command the words so far name.
 */
import { descendants, spellingsOf, type CommandNode } from './command-tree.js';
import { HELP_TOPICS } from './help-topics.js';

export interface CompletedOption {
  /** `--output`, `-o`. */
  readonly spellings: readonly string[];
  readonly describe: string;
  readonly takesValue: boolean;
  readonly choices: readonly string[];
}

export interface CompletedCommand {
  /** The words that name it, joined by spaces; '' for gitseal itself. */
  readonly path: string;
  readonly describe: string;
  readonly subcommands: readonly { readonly name: string; readonly describe: string }[];
  readonly options: readonly CompletedOption[];
  /** The choices of each positional, in order ([] when it is free, e.g. a file). */
  readonly positionals: readonly (readonly string[])[];
  /** Whether the last positional takes any number of words. */
  readonly variadic: boolean;
}

/** The command whose topics are the other commands: `gitseal help <TAB>` offers them, and the topics that are not commands. */
const HELP = 'help';

function complete(node: CommandNode): CompletedCommand {
  return {
    path: node.path.join(' '),
    describe: node.describe,
    subcommands: node.subcommands.map((c) => ({ name: c.path.at(-1)!, describe: c.describe })),
    options: node.options
      .filter((o) => !o.hidden)
      .map((o) => ({ spellings: spellingsOf(o), describe: o.describe, takesValue: o.takesValue, choices: o.choices })),
    positionals: node.positionals.map((p) => p.choices),
    variadic: node.positionals.at(-1)?.variadic ?? false,
  };
}

/**
 * What follows `gitseal help`: the words of `help`'s topic walk the command tree, so the scripts see
 * `help git` as a command whose subcommands are git's (`gitseal help git <TAB>` offers setup, textconv…),
 * and the topics that are not commands as subcommands of `help` that take nothing more. Each takes only
 * `help`'s own options.
 */
function helpTopics(help: CompletedCommand, root: CommandNode): CompletedCommand[] {
  const topic = (path: string, describe: string, subcommands: CompletedCommand['subcommands']): CompletedCommand => ({ ...help, path, describe, subcommands, positionals: [], variadic: false });
  const below = (node: CommandNode): CompletedCommand[] =>
    node.subcommands.flatMap((c) => [topic(`${HELP} ${c.path.join(' ')}`, c.describe, complete(c).subcommands), ...below(c)]);
  return [
    topic(HELP, help.describe, [...complete(root).subcommands, ...HELP_TOPICS.map((t) => ({ name: t.name, describe: t.describe }))]),
    ...below(root),
    ...HELP_TOPICS.map((t) => topic(`${HELP} ${t.name}`, t.describe, [])),
  ];
}

/** gitseal itself, then every command below it, then what follows `gitseal help` (helpTopics). */
export function completedCommands(root: CommandNode): CompletedCommand[] {
  const commands = [root, ...descendants(root)].map(complete);
  return commands.flatMap((c) => (c.path === HELP ? helpTopics(c, root) : [c]));
}

/** The spellings of the options of `command` that take a value. */
export const valueSpellings = (command: CompletedCommand): string[] => command.options.filter((o) => o.takesValue).flatMap((o) => o.spellings);

/** The spellings of every option of `command`. */
export const allSpellings = (command: CompletedCommand): string[] => command.options.flatMap((o) => o.spellings);

/**
 * Where `command` offers a fixed set of words, keyed as the scripts look them up: `PATH|--option` after
 * an option with choices, `PATH|#N` at positional N with choices.
 */
export function choiceKeys(command: CompletedCommand): Array<readonly [string, readonly string[]]> {
  const options = command.options.flatMap((o) => (o.choices.length ? o.spellings.map((s) => [`${command.path}|${s}`, o.choices] as const) : []));
  const positionals = command.positionals.flatMap((choices, i) => (choices.length ? [[`${command.path}|#${i}`, choices] as const] : []));
  return [...options, ...positionals];
}
