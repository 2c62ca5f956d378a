/**
 * The help topics that are not commands: `gitseal help exit-codes`,
 * `gitseal help environment`. `gitseal --help` lists them (help-groups.ts),
 * completion offers them after `help` (completion-model.ts), and
 * `gitseal help TOPIC` prints them (commands/help.ts). Their texts are made
 * in help-exit-codes.ts and help-environment.ts, loaded only when asked.
 */

export interface HelpTopic {
  readonly name: string;
  readonly describe: string;
}

export const HELP_TOPICS = [
  { name: 'exit-codes', describe: 'the exit statuses and the error codes they stand for' },
  { name: 'environment', describe: 'the environment variables gitseal reads' },
] as const satisfies readonly HelpTopic[];

export type HelpTopicName = (typeof HELP_TOPICS)[number]['name'];

export const isHelpTopic = (word: string): word is HelpTopicName => HELP_TOPICS.some((t) => t.name === word);

/** The width yargs wraps its help at, for the topics to match it. */
export const helpWidth = (): number => Math.min(100, process.stdout.columns || 100);

/**
 * Rows of two or more columns, each but the last padded to its widest cell
 * and the last wrapped at `width` under itself; a row of one cell is a heading.
 */
export function columns(rows: readonly (readonly string[])[], width: number, indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) if (row.length > 1) row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const lead = indent.length + widths.reduce((sum, w) => sum + w + 2, 0);
  return rows
    .map((row) => {
      if (row.length === 1) return row[0]!;
      const head = indent + row.slice(0, -1).map((cell, i) => cell.padEnd(widths[i]! + 2)).join('');
      return wrap(row.at(-1)!, Math.max(20, width - lead))
        .map((line, i) => (i === 0 ? head : ' '.repeat(lead)) + line)
        .join('\n')
        .trimEnd();
    })
    .join('\n');
}

/** `text` in lines of at most `width` characters, broken at spaces (a longer word keeps its own line). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}
