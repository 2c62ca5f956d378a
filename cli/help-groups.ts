/**
 * `gitseal --help` lists the commands under the headings of the tasks
 * they serve ("Encrypt and edit", "Read", …) instead of yargs' one
 * "Commands:" list. yargs groups options but not commands, so its help is
 * cut into entries and put back together: the columns and the wrapping
 * stay yargs' own. The help topics that are not commands (help-topics.ts)
 * follow, under "Help topics:", in the same columns.
 */
import type { HelpTopic } from './help-topics.js';

/** A heading of `gitseal --help` and the names of the commands under it. */
export interface TaskHeading {
  readonly title: string;
  readonly names: readonly string[];
}

const HEADING = 'Commands:';

/**
 * `help` with its "Commands:" block split under `tasks`, then `topics` as `gitseal help TOPIC` lines; commands
 * of no task stay under "Commands:". Unchanged when it has no such block.
 */
export function groupCommands(help: string, tasks: readonly TaskHeading[], topics: readonly HelpTopic[] = []): string {
  const lines = help.split('\n');
  const start = lines.indexOf(HEADING);
  if (start < 0) return help;
  let end = lines.indexOf('', start);
  if (end < 0) end = lines.length;
  const entries: { name: string; lines: string[] }[] = [];
  for (const line of lines.slice(start + 1, end)) {
    const name = /^ {2}\S+ (\S+)/.exec(line)?.[1];
    if (name !== undefined) entries.push({ name, lines: [line] });
    else entries.at(-1)?.lines.push(line);
  }
  const sections = [...tasks, { title: HEADING.slice(0, -1), names: entries.map((e) => e.name).filter((n) => !tasks.some((t) => t.names.includes(n))) }]
    .map(({ title, names }) => ({ title, block: entries.filter((e) => names.includes(e.name)).flatMap((e) => e.lines) }))
    .filter(({ block }) => block.length > 0)
    .map(({ title, block }) => [`${title}:`, ...block].join('\n'));
  if (topics.length > 0) sections.push(topicSection(entries[0]?.lines[0] ?? '', topics));
  return [...lines.slice(0, start), sections.join('\n\n'), ...lines.slice(end)].join('\n');
}

/** `topics` as `PROGRAM help TOPIC` lines, their descriptions in the column of `entry`'s (a line of yargs' command list). */
function topicSection(entry: string, topics: readonly HelpTopic[]): string {
  const program = /^ {2}(\S+)/.exec(entry)?.[1] ?? 'gitseal';
  const names = topics.map((t) => `  ${program} help ${t.name}`);
  // Where yargs put the descriptions: after the first run of two spaces or more past the usage.
  const column = Math.max(/^ {2}\S.*?\s{2,}(?=\S)/.exec(entry)?.[0].length ?? 0, ...names.map((n) => n.length + 2));
  return ['Help topics:', ...topics.map((t, i) => `${names[i]!.padEnd(column)}${t.describe}`)].join('\n');
}
