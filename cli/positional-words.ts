/**
 * The words of a command line that are positionals rather than options or their values, read with the
 * command table (cli/command-tree.ts), for the checks yargs cannot make itself because it drops or
 * reinterprets such words (lost-dash.ts, help-word.ts).
 */
import type { CommandNode } from './command-tree.js';

const beforeDoubleDash = (args: readonly string[]): readonly string[] => {
  const end = args.indexOf('--');
  return end < 0 ? args : args.slice(0, end);
};

/** Whether `arg` is an option that takes the next argument as its value. */
function takesNextAsValue(arg: string | undefined, flags: ReadonlySet<string>): boolean {
  if (arg === undefined || !arg.startsWith('-') || arg === '-' || arg.includes('=')) return false;
  const name = arg.startsWith('--') ? arg.slice(2) : arg.slice(-1); // `-io` gives its value to its last letter
  return !flags.has(name) && !name.startsWith('no-');
}

export interface PositionalWords {
  /** The command the leading words name (gitseal itself when none does). */
  readonly command: CommandNode;
  /** The positional words after the command's name, in order. */
  readonly words: readonly string[];
}

export function positionalWords(root: CommandNode, args: readonly string[]): PositionalWords {
  const line = beforeDoubleDash(args);
  let command = root;
  const words: string[] = [];
  line.forEach((arg, i) => {
    const flags = new Set(command.options.filter((o) => !o.takesValue).flatMap((o) => [o.name, ...o.aliases]));
    if ((arg.startsWith('-') && arg !== '-') || takesNextAsValue(line[i - 1], flags)) return;
    const sub = words.length === 0 ? command.subcommands.find((c) => c.path.at(-1) === arg) : undefined;
    if (sub) command = sub;
    else words.push(arg);
  });
  return { command, words };
}
