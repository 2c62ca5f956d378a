/**
 * `gitseal --help`, `gitseal help` and the README agree with the command
 * table: every command is listed, under the same task, and every option the
 * README names exists, spelled as `--help` spells it. Then the mistakes:
 * a mistyped command or option is named as typed, with the nearest one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commandTree, helpText, runCli } from '../cli/command-table.js';
import { descendants, type CommandNode } from '../cli/command-tree.js';
import { ENVIRONMENT, environmentText } from '../cli/help-environment.js';
import { exitCodesText, exitRows } from '../cli/help-exit-codes.js';
import { HELP_TOPICS } from '../cli/help-topics.js';
import { ROOT, runGitseal } from './helpers/cli.js';
import { commandRows, unknownOptions } from './helpers/readme.js';

const tree = commandTree();
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const name = (node: CommandNode) => node.path.join(' ');

const cwd = mkdtempSync(join(tmpdir(), 'gitseal-help-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const gitseal = (args: readonly string[]) => runGitseal(args, { cwd });

/** The task headings of `gitseal --help` and the commands under each. */
function tasksOf(help: string): Map<string, string[]> {
  const tasks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of help.split('\n')) {
    const heading = /^(\S.*):$/.exec(line)?.[1];
    if (heading !== undefined) tasks.set(heading, (current = []));
    const command = /^ {2}gitseal (\S+)/.exec(line)?.[1];
    if (command !== undefined) current?.push(command);
  }
  tasks.delete('Options');
  tasks.delete('Help topics');
  return tasks;
}

/** What `runCli` (the CLI, in this process) prints on stdout for `args`. */
async function printed(args: readonly string[]): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await runCli([...args]);
  } finally {
    write.mockRestore();
  }
  return out;
}

let topHelp = '';
beforeAll(async () => {
  const r = await gitseal(['--help']);
  expect(r.status).toBe(0);
  topHelp = r.stdout;
});

describe('gitseal --help and gitseal help', () => {
  it('--help lists every command once, under a task, and every subcommand under its command', async () => {
    const listed = [...tasksOf(topHelp).values()].flat();
    expect(listed.sort()).toEqual(tree.subcommands.map(name).sort());
    for (const group of tree.subcommands.filter((c) => c.subcommands.length > 0)) {
      const help = await helpText(group.path);
      for (const sub of group.subcommands) expect(help, name(sub)).toMatch(new RegExp(`^ {2}gitseal ${name(sub)}\\b`, 'm'));
    }
  });

  it.concurrent('gitseal help git setup prints what gitseal git setup --help prints', async () => {
    const [help, flag] = await Promise.all([gitseal(['help', 'git', 'setup']), gitseal(['git', 'setup', '--help'])]);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toBe(flag.stdout);
  });

  // But for help itself: yargs reads a last word "help" as --help, so `gitseal help --help` is `gitseal --help`.
  it('gitseal help COMMAND prints what gitseal COMMAND --help prints, for every command', async () => {
    for (const node of [tree, ...descendants(tree)].filter((n) => name(n) !== 'help')) expect(await printed(['help', ...node.path]), name(node)).toBe(await printed([...node.path, '--help']));
  });

  it.concurrent('gitseal help refuses an unknown topic with the nearest command (usage, exit 2)', async () => {
    const r = await gitseal(['help', 'git', 'setpu']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gitseal: unknown help topic git setpu; did you mean git setup? [E_USAGE]\n');
  });
});

describe('the help topics that are not commands', () => {
  it('--help lists them after the commands, as gitseal help TOPIC', () => {
    const lines = topHelp.split('\n');
    const start = lines.indexOf('Help topics:');
    expect(start).toBeGreaterThan(lines.findIndex((l) => l.startsWith('  gitseal completion')));
    expect(lines.slice(start + 1, start + 1 + HELP_TOPICS.length).map((l) => l.trim().split(/\s{2,}/))).toEqual(HELP_TOPICS.map((t) => [`gitseal help ${t.name}`, t.describe]));
  });

  it.concurrent.each([
    ['exit-codes', exitCodesText(100)],
    ['environment', environmentText(100)],
  ])('gitseal help %s prints the topic', async (topic, text) => {
    const r = await gitseal(['help', topic]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${text}\n`);
  });

  it.concurrent.each([
    [['help', 'exit-code'], 'unknown help topic exit-code; did you mean exit-codes?'],
    [['help', 'enviroment'], 'unknown help topic enviroment; did you mean environment?'],
    [['help', 'exit-codes', 'git'], 'help topic exit-codes has no subtopics: gitseal help exit-codes'],
  ])('%j is refused (usage, exit 2)', async (args, message) => {
    const r = await gitseal(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gitseal: ${message} [E_USAGE]\n`);
    expect(r.stdout).toBe('');
  });

  it('no topic is also a command', () => {
    for (const topic of HELP_TOPICS) expect(tree.subcommands.map(name)).not.toContain(topic.name);
  });
});

/** The lines of the README from `heading` to the next heading of its level or above. */
function section(heading: string): string[] {
  const lines = README.split('\n');
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && /^#{1,2} /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe("the README's exit codes and environment variables", () => {
  it('the table of exit codes has the rows of gitseal help exit-codes: the same statuses, codes and order', () => {
    const rows = section('## Exit codes')
      .map((l) => /^\|\s*(\d+)\s*\|\s*(E_[A-Z_]+)?\s*\|/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [Number(m[1]), m[2] ?? '']);
    expect(rows).toEqual(exitRows().map((r) => [r.status, r.code]));
  });

  it('points to the topics', () => {
    expect(section('## Exit codes').join('\n')).toContain('`gitseal help exit-codes`');
    expect(section('## Environment variables').join('\n')).toContain('`gitseal help environment`');
  });

  it('names only environment variables that gitseal help environment lists', () => {
    const listed = ENVIRONMENT.flatMap((g) => g.variables.map(([n]) => n));
    const named = new Set([...README.matchAll(/\b(GITSEAL_[A-Z0-9_]*[A-Z0-9])\b/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((n) => !listed.includes(n))).toEqual([]);
    for (const n of section('## Environment variables').join('\n').matchAll(/`([A-Z][A-Z0-9_]+)`/g)) expect(listed, n[1]).toContain(n[1]);
  });
});

describe("the README's command table", () => {
  const rows = commandRows(README, tree);

  it('names only commands that exist', () => {
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.paths.length, `README line ${row.line} names no command`).toBeGreaterThan(0);
      for (const path of row.paths) expect(path.length, `README line ${row.line}: not a command`).toBeGreaterThan(0);
    }
  });

  it('lists every command of the table (a group through its subcommands)', () => {
    const named = rows.flatMap((r) => r.paths.map((p) => p.join(' ')));
    for (const node of descendants(tree)) expect(named.some((n) => n === name(node) || n.startsWith(`${name(node)} `)), `${name(node)} is not in README's command table`).toBe(true);
  });

  it('puts each command under the task --help lists it under, in the same order', () => {
    const tasks = tasksOf(topHelp);
    expect([...new Set(rows.map((r) => r.task))]).toEqual([...tasks.keys()]);
    for (const row of rows) for (const path of row.paths) expect(tasks.get(row.task), `README line ${row.line}: ${path.join(' ')}`).toContain(path[0]);
  });
});

describe('options the README names', () => {
  it('exist, spelled as --help spells them, for the command it names them for', () => {
    expect(unknownOptions(README, tree)).toEqual([]);
  });

  it('are checked: a misspelled option, or one of another command, is found; other tools\' options are not', () => {
    const md = [
      '```sh',
      'gitseal decrypt s.yaml --ouput x   # a comment with --nothing',
      'gitseal encrypt -i a.yaml && gitseal decrypt --scope x a.yaml',
      '```',
      'Use `--no-such-option`, `verify --all --bogus`, `exec-env f -- cmd --any`,',
      '`git checkout --ours|--theirs FILE`, `npm ci --omit=optional` and `diff --git\nmain --json`.',
    ].join('\n');
    expect(unknownOptions(md, tree)).toEqual([
      'line 2: --ouput (gitseal decrypt has no such option): gitseal decrypt s.yaml --ouput x   # a comment with --nothing',
      'line 3: --scope (gitseal decrypt has no such option): gitseal encrypt -i a.yaml && gitseal decrypt --scope x a.yaml',
      'line 5: --no-such-option (no command has no such option): --no-such-option',
      'line 5: --bogus (gitseal verify has no such option): verify --all --bogus',
    ]);
  });
});

// The messages of every kind of mistake are in cli/usage-mistake.test.ts; here, that the built CLI says them.
describe('mistakes on the command line', () => {
  it.concurrent.each([
    [['decrpyt', 'x.yaml'], 'unknown command decrpyt; did you mean decrypt?'],
    [['decrypt', 'x.yaml', '--inPlce'], 'unknown option --inPlce for decrypt; did you mean --in-place?'],
  ])('%j: named as typed, exit 2', async (args, message) => {
    const r = await gitseal(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gitseal: ${message} [E_USAGE]\n`);
    expect(r.stdout).toBe('');
  });
});
