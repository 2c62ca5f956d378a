import { describe, expect, it } from 'vitest';
import { helpText } from './command-table.js';
import { groupCommands } from './help-groups.js';

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

  it('gitseal --help lists every command under a task, and no "Commands:" list', async () => {
    const help = await helpText([]);
    expect(help).not.toContain('Commands:');
    const headings = [...help.matchAll(/^([A-Z][a-z]+(?: [a-z]+)*):$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['Encrypt and edit', 'Read', 'Review and git', 'Keys and trust', 'Migrate', 'Cluster and service', 'Help and completion', 'Options']);
    expect(help).toMatch(/^Read:\n {2}gitseal decrypt\b/m);
  });
});
