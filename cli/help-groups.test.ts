import { describe, expect, it } from 'vitest';
import { helpText } from './command-table.js';
import { groupCommands } from './help-groups.js';
import { HELP_TOPICS } from './help-topics.js';

const HELP = `tool <command>

Commands:
  tool a      the a
  tool bb     the bb, whose description
              wraps
  tool c <x>  the c

Options:
  -h, --help  Show help`;

describe('groupCommands', () => {
  it('puts each command under its task, keeping lines and columns', () => {
    expect(
      groupCommands(HELP, [
        { title: 'First', names: ['c', 'a'] },
        { title: 'Second', names: ['bb'] },
      ]),
    ).toBe(`tool <command>

First:
  tool a      the a
  tool c <x>  the c

Second:
  tool bb     the bb, whose description
              wraps

Options:
  -h, --help  Show help`);
  });

  it('leaves a command of no task under "Commands:", and help without commands as it is', () => {
    expect(groupCommands(HELP, [{ title: 'First', names: ['a', 'c'] }])).toContain('\n\nCommands:\n  tool bb     the bb, whose description\n              wraps\n\nOptions:');
    expect(groupCommands('tool x\n\nOptions:\n  --help', [{ title: 'First', names: ['x'] }])).toBe('tool x\n\nOptions:\n  --help');
  });

  it('lists the help topics after the tasks, their descriptions in the column of the commands\'', () => {
    const topics = [
      { name: 'first-topic', describe: 'about one thing' },
      { name: 'two', describe: 'about another' },
    ];
    expect(groupCommands(HELP, [{ title: 'First', names: ['a', 'bb', 'c'] }], topics)).toBe(`tool <command>

First:
  tool a      the a
  tool bb     the bb, whose description
              wraps
  tool c <x>  the c

Help topics:
  tool help first-topic  about one thing
  tool help two          about another

Options:
  -h, --help  Show help`);
    expect(groupCommands(HELP, [], [{ name: 'x', describe: 'about x' }])).toContain('\n\nHelp topics:\n  tool help x  about x\n\nOptions:');
  });

  it('gitseal --help lists every command under a task, and no "Commands:" list', async () => {
    const help = await helpText([]);
    expect(help).not.toContain('Commands:');
    const headings = [...help.matchAll(/^([A-Z][a-z]+(?: [a-z]+)*):$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['Encrypt and edit', 'Read', 'Review and git', 'Keys and trust', 'Migrate', 'Cluster and service', 'Help and completion', 'Help topics', 'Options']);
    expect(help).toMatch(/^Read:\n {2}gitseal decrypt\b/m);
    // The topics' descriptions start where the commands' do.
    const column = (line: string) => /^ {2}\S.*?\s{2,}(?=\S)/.exec(line)![0].length;
    const topics = help.slice(help.indexOf('Help topics:\n')).split('\n').slice(1, HELP_TOPICS.length + 1);
    expect(topics.map((l) => l.trim().split(/\s{2,}/))).toEqual(HELP_TOPICS.map((t) => [`gitseal help ${t.name}`, t.describe]));
    for (const line of topics) expect(column(line), line).toBe(column(help.split('\n').find((l) => l.startsWith('  gitseal decrypt'))!));
  });
});
