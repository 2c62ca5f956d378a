/**
 * Reads what the README says about gitseal's commands: the rows of its
 * command table, and the options its code spans and code blocks name, so
 * test/cli-help.test.ts can hold them against the command table.
 */
import { descendants, spellingsOf, type CommandNode } from '../../cli/command-tree.js';

export interface Snippet {
  readonly line: number;
  readonly text: string;
}

/** Every inline code span and every line of a fenced block, with the line it starts on. */
export function codeSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let fenced = false;
  const prose = lines.map((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    else if (fenced) snippets.push({ line: i + 1, text: line });
    return fenced || line.startsWith('```') ? '' : line;
  });
  const text = prose.join('\n');
  for (const m of text.matchAll(/`([^`]+)`/g)) snippets.push({ line: text.slice(0, m.index).split('\n').length, text: m[1]! });
  return snippets.sort((a, b) => a.line - b.line);
}

/** The words of a snippet: table escapes undone, a shell prompt and a comment dropped. */
const wordsOf = (text: string): string[] =>
  text
    .replace(/\\\|/g, '|')
    .replace(/(^|\s)#\s.*$/, '')
    .split(/\s+/)
    .filter((w) => w !== '' && w !== '$');

/** The command that `words` name from `node` down, and how many words that took. */
function walk(node: CommandNode, words: readonly string[]): { node: CommandNode; used: number } {
  let used = 0;
  for (const word of words) {
    const sub = node.subcommands.find((c) => c.path.at(-1) === word);
    if (!sub) break;
    node = sub;
    used++;
  }
  return { node, used };
}

/** The options a command line names, as spelled (`--ours|--theirs` is two), up to a lone `--`. */
function optionWords(words: readonly string[]): string[] {
  const end = words.indexOf('--');
  return (end < 0 ? words : words.slice(0, end))
    .flatMap((w) => w.split('|'))
    .map((w) => w.replace(/=.*$/, '').replace(/[),.;:]+$/, ''))
    .filter((w) => /^(--[a-zA-Z][\w-]*|-[a-zA-Z])$/.test(w));
}

interface Mention {
  /** The command the options belong to; null when the snippet names options alone. */
  readonly command: CommandNode | null;
  readonly options: readonly string[];
}

/**
 * What one command of a snippet names: after a `gitseal` word, from there;
 * starting with a gitseal command (`verify --all`), from there, unless it
 * is another program's (`git checkout --ours`); options alone (`--key
 * FILE`), for whichever command has them; anything else is another tool's.
 */
function mentionOf(tree: CommandNode, words: readonly string[]): Mention | null {
  const start = words.findIndex((w) => /(^|\()gitseal$/.test(w));
  if (start >= 0) {
    const rest = words.slice(start + 1);
    const { node, used } = walk(tree, rest);
    if (used === 0 && rest.length > 0 && !rest[0]!.startsWith('-')) return null;
    return { command: node, options: optionWords(rest.slice(used)) };
  }
  const first = words.find((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
  if (first === undefined) return null;
  const args = words.slice(words.indexOf(first));
  if (first.startsWith('-')) return { command: null, options: optionWords(args) };
  const { node, used } = walk(tree, args);
  const next = args[used];
  if (used === 0 || (node.subcommands.length > 0 && node.positionals.length === 0 && next !== undefined && !next.startsWith('-'))) return null;
  return { command: node, options: optionWords(args.slice(used)) };
}

/** Every option the README names that the command it names it for (or, named alone, every command) does not have. */
export function unknownOptions(markdown: string, tree: CommandNode): string[] {
  const everywhere = new Set([tree, ...descendants(tree)].flatMap((n) => n.options.flatMap(spellingsOf)));
  const problems: string[] = [];
  for (const { line, text } of codeSnippets(markdown)) {
    for (const part of text.split(/\s(?:&&|\|\||;|\|)\s/)) {
      const mention = mentionOf(tree, wordsOf(part));
      if (mention === null) continue;
      const known = mention.command === null ? everywhere : new Set(mention.command.options.flatMap(spellingsOf));
      const owner = mention.command === null ? 'no command' : `gitseal ${mention.command.path.join(' ')}`.trim();
      for (const option of mention.options) if (!known.has(option)) problems.push(`line ${line}: ${option} (${owner} has no such option): ${text}`);
    }
  }
  return problems;
}

export interface CommandRow {
  readonly line: number;
  readonly task: string;
  /** The command each `gitseal …` span of the row names. */
  readonly paths: readonly (readonly string[])[];
}

/** The rows of the table under "## Commands": task (carried down from the row above when empty) and commands. */
export function commandRows(markdown: string, tree: CommandNode): CommandRow[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf('## Commands');
  const rows: CommandRow[] = [];
  let task = '';
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('## '); i++) {
    const cells = lines[i]!.split(/(?<!\\)\|/).map((c) => c.trim());
    if (cells.length < 4 || cells[2] === 'command' || /^-+$/.test(cells[2]!)) continue;
    task = cells[1] || task;
    const paths = [...cells[2]!.matchAll(/`gitseal ([^`]+)`/g)].map((m) => {
      const words = wordsOf(m[1]!);
      return words.slice(0, walk(tree, words).used);
    });
    rows.push({ line: i + 1, task, paths });
  }
  return rows;
}
