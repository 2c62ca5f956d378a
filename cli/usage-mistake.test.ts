import { describe, expect, it } from 'vitest';
import { commandTree } from './command-table.js';
import { parse } from './parse-for-tests.js';
import { usageMistake } from './usage-mistake.js';

const tree = commandTree();
const mistake = (...args: string[]) => usageMistake(tree, args);

describe('usageMistake', () => {
  it('names an unknown command, with the nearest one', () => {
    expect(mistake('decrpyt', 'x.yaml')).toBe('unknown command decrpyt; did you mean decrypt?');
    expect(mistake('git', 'setpu')).toBe('unknown command git setpu; did you mean git setup?');
    expect(mistake('import', 'sosp', 'f.yaml')).toBe('unknown command import sosp; did you mean import sops?');
    expect(mistake('frobnicate', 'x.yaml')).toBe('unknown command frobnicate: gitseal --help lists them');
    expect(mistake('git', 'nope')).toBe('unknown command git nope: gitseal git --help lists them');
    expect(mistake('serve', 'nit')).toBe('unknown command serve nit; did you mean serve init?');
  });

  it('names an unknown option as typed, with the nearest one', () => {
    expect(mistake('decrypt', 'x', '--ouptut', 'o')).toBe('unknown option --ouptut for decrypt; did you mean --output?');
    expect(mistake('decrypt', 'x', '--outptu=o')).toBe('unknown option --outptu for decrypt; did you mean --output?');
    expect(mistake('encrypt', 'x', '--recipeint', 'r')).toBe('unknown option --recipeint for encrypt; did you mean --recipient?');
    expect(mistake('decrypt', 'x', '--inPlce')).toBe('unknown option --inPlce for decrypt; did you mean --in-place?');
    expect(mistake('decrypt', '-key', 'k', 'x')).toBe('unknown option -key for decrypt; did you mean --key?');
    expect(mistake('verify', '--bogus')).toBe('unknown option --bogus for verify: gitseal verify --help lists them');
    expect(mistake('edit', 's.yaml', '-i')).toBe('unknown option -i for edit: gitseal edit --help lists them');
    expect(mistake('git', 'pre-commit', '--key', 'k')).toBe('unknown option --key for git pre-commit: gitseal git pre-commit --help lists them');
  });

  it('names an argument too many, with the usage', () => {
    expect(mistake('keygen', 'extra')).toBe('unexpected argument extra for keygen (gitseal keygen)');
    expect(mistake('set', 's.yaml', 'a', 'b', 'c')).toBe('unexpected argument c for set (gitseal set <file> <path> <value>)');
    expect(mistake('init', '-r', 'age1a', 'age1b')).toBe('unexpected argument age1b for init (gitseal init)'); // -r takes one value
  });

  // It runs only after yargs refused a line, and must then not blame a part that yargs accepts.
  it.each([
    [['decrypt', 'x.yaml']],
    [['decrypt', '--inPlace', 'x.yaml']],
    [['decrypt', '--no-in-place', 'x.yaml']],
    [['decrypt', '--key=k.yaml', '-o', 'out', 'x.yaml']],
    [['--key', 'k.yaml', 'decrypt', 'x.yaml']],
    [['decrypt', '-', '-h']],
    [['serve', 'init', '--config', 'c.yaml', '--port', '1']],
    [['init', '-r', 'a', '-r', 'b']],
    [['exec-env', 'x.yaml', '--', 'env', '--bogus', 'extra']],
    [['verify', 'a', 'b', 'c', '--json']],
    [['git', 'merge', 'a', 'b', 'c', 'p']],
    [['keys', 'revoke', 'kid-1']],
  ])('finds nothing wrong with %j, which yargs accepts', async (args) => {
    await parse(args);
    expect(usageMistake(tree, args)).toBeNull();
  });

  it('leaves other mistakes to yargs', () => {
    expect(mistake()).toBeNull();
    expect(mistake('decrypt')).toBeNull();
    expect(mistake('git')).toBeNull();
  });
});
