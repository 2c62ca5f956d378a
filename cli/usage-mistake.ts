/**
 * Says what is wrong with a command line that yargs refused, in the words
 * the user typed: an unknown command (`unknown command decrpyt; did you
 * mean decrypt?`), an unknown option (`--output-type`, where yargs reports
 * `output-type, outputType`), or an argument too many. It reads the line
 * the way yargs-parser does (an option that is not a flag takes the next
 * word; an unknown one too), against the command tree, so it names only
 * what yargs refused too.
 */
import { spellingsOf, type CommandNode, type OptionNode } from './command-tree.js';
import { nearest } from './suggest.js';

interface TypedOption {
  /** As typed, without a value: `--output-type`, `-z`, `-key`. */
  readonly typed: string;
  /** The names it sets: `output-type`; `k`, `e`, `y` for `-key`. */
  readonly names: readonly string[];
}

interface ReadLine {
  readonly node: CommandNode;
  readonly options: readonly TypedOption[];
  readonly positionals: readonly string[];
  /** A word where a subcommand of `node` was expected. */
  readonly unknownCommand?: string;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function optionNamed(node: CommandNode, name: string): OptionNode | undefined {
  const named = (n: string) => node.options.find((o) => o.name === n || o.aliases.includes(n));
  const negated = /^no-(.+)$/.exec(kebab(name))?.[1];
  return named(name) ?? named(kebab(name)) ?? (negated === undefined ? undefined : named(negated));
}

const isOption = (word: string) => word.length > 1 && word.startsWith('-') && !/^-\d/.test(word);

function readLine(root: CommandNode, args: readonly string[]): ReadLine {
  const end = args.indexOf('--');
  const words = end < 0 ? args : args.slice(0, end);
  let node = root;
  const options: TypedOption[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (isOption(word)) {
      const [typed, value] = word.split(/=(.*)/s);
      const names = typed!.startsWith('--') ? [typed!.slice(2)] : [...typed!.slice(1)];
      options.push({ typed: typed!, names });
      if (value !== undefined) continue;
      // Like yargs-parser: a value follows unless the option is a flag; an unknown one takes it too.
      const last = optionNamed(node, names.at(-1)!);
      const takes = last === undefined || (last.takesValue && !/^no-/.test(kebab(names.at(-1)!)));
      while (takes && i + 1 < words.length && !isOption(words[i + 1]!)) {
        i++;
        if (!last?.greedy) break;
      }
      continue;
    }
    const sub = positionals.length === 0 ? node.subcommands.find((c) => c.path.at(-1) === word) : undefined;
    if (sub) node = sub;
    else if (positionals.length === 0 && node.subcommands.length > 0 && node.positionals.length === 0) return { node, options, positionals, unknownCommand: word };
    else positionals.push(word);
  }
  return { node, options, positionals };
}

const named = (node: CommandNode) => (node.path.length > 0 ? ` for ${node.path.join(' ')}` : '');
const helpOf = (node: CommandNode) => ['gitseal', ...node.path, '--help'].join(' ');

function unknownCommand(node: CommandNode, word: string): string {
  const guess = nearest(word, node.subcommands.map((c) => c.path.at(-1)!));
  const full = (w: string) => [...node.path, w].join(' ');
  return guess === null ? `unknown command ${full(word)}: ${helpOf(node)} lists them` : `unknown command ${full(word)}; did you mean ${full(guess)}?`;
}

function unknownOption(node: CommandNode, typed: string): string {
  const visible = node.options.filter((o) => !o.hidden);
  const guess = nearest(typed.startsWith('--') ? kebab(typed) : typed, visible.flatMap(spellingsOf));
  return guess === null ? `unknown option ${typed}${named(node)}: ${helpOf(node)} lists them` : `unknown option ${typed}${named(node)}; did you mean ${guess}?`;
}

/**
 * What is wrong with `args` for the commands of `root`: an unknown command
 * or option, or an argument too many; null when it finds none of these
 * (yargs' own message then says what it is).
 */
export function usageMistake(root: CommandNode, args: readonly string[]): string | null {
  const line = readLine(root, args);
  const { node } = line;
  if (line.unknownCommand !== undefined) return unknownCommand(node, line.unknownCommand);
  const unknown = line.options.find((o) => o.names.some((n) => optionNamed(node, n) === undefined));
  if (unknown) return unknownOption(node, unknown.typed);
  const room = node.positionals.some((p) => p.variadic) ? Infinity : node.positionals.length;
  const extra = line.positionals[room];
  if (extra !== undefined) return `unexpected argument ${extra}${named(node)} (gitseal ${[...node.path.slice(0, -1), node.usage].join(' ')})`;
  return null;
}

