/**
 * What a completion script needs of each command, flattened from the
 * command tree: the words that may follow it. The scripts for bash, zsh and
 * fish (completion-*.ts) are this data written in each shell's syntax,
 * plus one small loop that finds the command the words so far name.
 */
import { descendants, spellingsOf, type CommandNode } from './command-tree.js';

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

/** The command whose topics are the other commands: `gitseal help <TAB>` offers them. */
const HELP = 'help';

function complete(node: CommandNode, root: CommandNode): CompletedCommand {
  const path = node.path.join(' ');
  const topics = root.subcommands.map((c) => c.path[0]!);
  return {
    path,
    describe: node.describe,
    subcommands: node.subcommands.map((c) => ({ name: c.path.at(-1)!, describe: c.describe })),
    options: node.options
      .filter((o) => !o.hidden)
      .map((o) => ({ spellings: spellingsOf(o), describe: o.describe, takesValue: o.takesValue, choices: o.choices })),
    positionals: node.positionals.map((p, i) => (path === HELP && i === 0 ? topics : p.choices)),
    variadic: node.positionals.at(-1)?.variadic ?? false,
  };
}

/** gitseal itself, then every command below it. */
export const completedCommands = (root: CommandNode): CompletedCommand[] => [root, ...descendants(root)].map((node) => complete(node, root));

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
