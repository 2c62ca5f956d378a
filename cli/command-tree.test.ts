import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { commandTree } from './command-table.js';
import { commandNames, descendants, findCommand, readCommandTree, spellingsOf, type CommandNode } from './command-tree.js';

const tree = commandTree();
const command = (path: string): CommandNode => {
  const node = findCommand(tree, path.split(' '));
  if (node === null) throw new Error(`no command ${path}`);
  return node;
};
const option = (path: string, name: string) => command(path).options.find((o) => o.name === name);

describe('the command tree read back from yargs', () => {
  it('has every command of the table, with its usage and description', () => {
    expect(tree.subcommands.map((c) => c.path[0])).toContain('decrypt');
    expect(command('decrypt')).toMatchObject({ path: ['decrypt'], describe: 'decrypt to the exact original bytes' });
    expect(command('git').subcommands.map((c) => c.path.join(' '))).toEqual(['git setup', 'git textconv', 'git merge', 'git pre-commit']);
    expect(command('git merge').usage).toBe('merge <base> <ours> <theirs> [path]');
    for (const node of descendants(tree)) expect(node.usage.split(' ')[0]).toBe(node.path.at(-1));
  });

  it('reads positionals: required, variadic, choices; they are not options', () => {
    expect(command('keys').positionals).toEqual([
      { name: 'action', required: true, variadic: false, choices: ['list', 'rotate', 'revoke', 'destroy', 'writer'] },
      { name: 'kid', required: false, variadic: false, choices: [] },
    ]);
    expect(command('rotate').positionals).toEqual([{ name: 'files', required: false, variadic: true, choices: [] }]);
    expect(command('git merge').options.map((o) => o.name)).not.toContain('base');
  });

  it('reads options with their aliases, whether they take a value, and their choices', () => {
    expect(option('init', 'recipient')).toMatchObject({ aliases: ['r'], takesValue: true, greedy: false });
    expect(option('rotate', 'all')).toMatchObject({ aliases: [], takesValue: false });
    expect(option('keygen', 'alg')).toMatchObject({ takesValue: true, choices: ['mlkem1024-x25519', 'mlkem1024'] });
    expect(spellingsOf(option('init', 'recipient')!)).toEqual(['--recipient', '-r']);
  });

  it('gives every command the global options, and a subcommand those of the commands above it', () => {
    expect(tree.options.map((o) => [o.name, o.aliases])).toEqual([
      ['config', []],
      ['version', []],
      ['help', ['h']],
    ]);
    for (const node of descendants(tree)) expect(node.options.find((o) => o.name === 'help')?.aliases, node.path.join(' ')).toEqual(['h']);
    expect(command('serve init').options.map((o) => o.name)).toEqual(expect.arrayContaining(['config', 'import', 'dev', 'port']));
  });

  it('finds a command by its path, or null', () => {
    expect(findCommand(tree, [])).toBe(tree);
    expect(findCommand(tree, ['git', 'nope'])).toBeNull();
  });

  it('reads a parser built here the same way', () => {
    const y = yargs([]).command('a <x>', 'the a', (s) => s.option('flag', { type: 'boolean', alias: 'f', describe: 'a flag' }).option('many', { type: 'string', array: true }));
    expect(commandNames(y)).toEqual(['a']);
    const [a] = readCommandTree(y).subcommands;
    expect(a).toMatchObject({ path: ['a'], usage: 'a <x>', describe: 'the a', positionals: [{ name: 'x', required: true, variadic: false, choices: [] }] });
    expect(a!.options.slice(0, 2)).toEqual([
      { name: 'flag', aliases: ['f'], describe: 'a flag', takesValue: false, greedy: false, choices: [], hidden: false },
      { name: 'many', aliases: [], describe: '', takesValue: true, greedy: true, choices: [], hidden: false },
    ]);
  });
});
