/**
 * The command table as data: every command's name, usage, description,
 * positionals and options, read back from yargs after the definitions'
 * builders ran. Completion, the suggestions for a mistyped command or
 * option, and the grouped `--help` use it, so none keeps a list of its own
 * that could drift from what the parser accepts.
 *
 * yargs' types (@types/yargs) do not describe the methods that give this
 * back (`getOptions`, the command handlers), though yargs' own completion
 * uses them: `Introspectable` names the little that is read, at this edge.
 */
import yargs, { type Argv } from 'yargs';

export interface OptionNode {
  /** As declared, e.g. `in-place`. */
  readonly name: string;
  /** Other spellings, e.g. `i`. */
  readonly aliases: readonly string[];
  readonly describe: string;
  /** False for a flag (boolean). */
  readonly takesValue: boolean;
  /** Takes several values (an array without a fixed count). */
  readonly greedy: boolean;
  readonly choices: readonly string[];
  readonly hidden: boolean;
}

export interface PositionalNode {
  readonly name: string;
  readonly required: boolean;
  readonly variadic: boolean;
  readonly choices: readonly string[];
}

export interface CommandNode {
  /** The words that name it, e.g. `['git', 'setup']`; empty for gitseal itself. */
  readonly path: readonly string[];
  /** Name and positionals as declared, e.g. `decrypt <file>`. */
  readonly usage: string;
  readonly describe: string;
  readonly positionals: readonly PositionalNode[];
  /** Its own options, those of the commands above it and the global ones (yargs' options are global by default). */
  readonly options: readonly OptionNode[];
  readonly subcommands: readonly CommandNode[];
}

interface Positional {
  readonly cmd: readonly string[];
  readonly variadic: boolean;
}

interface Handler {
  readonly original: string;
  readonly description: string | false;
  readonly builder: ((y: Argv) => unknown) | object | undefined;
  readonly demanded: readonly Positional[];
  readonly optional: readonly Positional[];
}

interface ParserHints {
  readonly key: Readonly<Record<string, unknown>>;
  readonly alias: Readonly<Record<string, readonly string[] | undefined>>;
  readonly boolean: readonly string[];
  readonly count: readonly string[];
  readonly array: readonly string[];
  readonly narg: Readonly<Record<string, number | undefined>>;
  readonly choices: Readonly<Record<string, readonly unknown[] | undefined>>;
  readonly hiddenOptions: readonly string[];
}

interface Introspectable {
  getOptions(): ParserHints;
  getInternalMethods(): {
    getCommandInstance(): { getCommandHandlers(): Readonly<Record<string, Handler>> };
    getUsageInstance(): { getDescriptions(): Readonly<Record<string, string | undefined>> };
  };
}

const inside = (y: Argv): Introspectable => y as unknown as Introspectable;

// yargs defers the translation of its own descriptions ("Show help").
const DEFERRED = '__yargsString__:';
const describeText = (text: string | undefined): string => (text?.startsWith(DEFERRED) ? text.slice(DEFERRED.length) : (text ?? ''));

/**
 * The options declared on `y` but for the keys in `skip` (yargs declares
 * help and version on every instance). yargs keeps an option's aliases
 * under its declared name (`all` → `repo`, `in-place` → `i`); a one-letter
 * name given longer aliases (`h` → `help`) is named by the longest.
 */
function optionsOf(y: Argv, skip: ReadonlySet<string>): OptionNode[] {
  const hints = inside(y).getOptions();
  const descriptions = inside(y).getInternalMethods().getUsageInstance().getDescriptions();
  const declared = (name: string) => Object.keys(hints.alias).find((k) => hints.alias[k]?.includes(name)) ?? name;
  const seen = new Set<string>();
  const options: OptionNode[] = [];
  for (const key of Object.keys(hints.key)) {
    const first = declared(key);
    if (skip.has(key) || skip.has(first) || seen.has(first)) continue;
    const group = [first, ...(hints.alias[first] ?? [])];
    group.forEach((n) => seen.add(n));
    const name = first.length > 1 ? first : group.reduce((a, b) => (b.length > a.length ? b : a));
    const is = (list: readonly string[]) => group.some((n) => list.includes(n));
    options.push({
      name,
      aliases: group.filter((n) => n !== name),
      describe: describeText(group.map((n) => descriptions[n]).find((d) => d !== undefined)),
      takesValue: !is(hints.boolean) && !is(hints.count),
      greedy: is(hints.array) && group.every((n) => hints.narg[n] === undefined),
      choices: (group.map((n) => hints.choices[n]).find((c) => c !== undefined) ?? []).map(String),
      hidden: is(hints.hiddenOptions),
    });
  }
  return options;
}

/** Options of `inner` first, and they win over those of the same name above them. */
const merge = (outer: readonly OptionNode[], inner: readonly OptionNode[]): OptionNode[] => [...inner, ...outer.filter((o) => !inner.some((i) => i.name === o.name))];

function readCommand(path: readonly string[], handler: Handler, inherited: readonly OptionNode[]): CommandNode {
  const sub = yargs([]);
  const defaults = new Set(Object.keys(inside(sub).getOptions().key));
  if (typeof handler.builder === 'function') handler.builder(sub);
  const positionalChoices = inside(sub).getOptions().choices;
  const positionals = [...handler.demanded.map((p) => ({ p, required: true })), ...handler.optional.map((p) => ({ p, required: false }))].map(({ p, required }) => {
    const name = p.cmd[0] ?? '';
    return { name, required, variadic: p.variadic, choices: (positionalChoices[name] ?? []).map(String) };
  });
  const options = merge(inherited, optionsOf(sub, new Set([...defaults, ...positionals.map((p) => p.name)])));
  return { path, usage: handler.original, describe: handler.description || '', positionals, options, subcommands: commandsOf(sub, path, options) };
}

function commandsOf(y: Argv, path: readonly string[], inherited: readonly OptionNode[]): CommandNode[] {
  return Object.entries(inside(y).getInternalMethods().getCommandInstance().getCommandHandlers()).map(([name, handler]) => readCommand([...path, name], handler, inherited));
}

/** The names of the commands registered on `y`, in their order. */
export const commandNames = (y: Argv): string[] => Object.keys(inside(y).getInternalMethods().getCommandInstance().getCommandHandlers());

/** The commands registered on `y`, and its own options as gitseal's global ones. */
export function readCommandTree(y: Argv): CommandNode {
  const options = optionsOf(y, new Set());
  return { path: [], usage: '', describe: '', positionals: [], options, subcommands: commandsOf(y, [], options) };
}

/** The command that `path` names, or null. */
export function findCommand(root: CommandNode, path: readonly string[]): CommandNode | null {
  let node: CommandNode | undefined = root;
  for (const word of path) node = node?.subcommands.find((c) => c.path.at(-1) === word);
  return node ?? null;
}

/** How a user types the option: `--in-place`, `-i`. */
export const spellingsOf = (option: OptionNode): string[] => [option.name, ...option.aliases].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));

/** Every command below `node`, depth first in table order. */
export const descendants = (node: CommandNode): CommandNode[] => node.subcommands.flatMap((c) => [c, ...descendants(c)]);

/**
 * The table as the commands about gitseal itself (`help`, `completion`)
 * see it. The table hands it to them rather than being imported by them,
 * which would be an import cycle.
 */
export interface CommandTable {
  tree(): CommandNode;
  /** What `gitseal PATH… --help` prints. */
  help(path: readonly string[]): Promise<string>;
}
