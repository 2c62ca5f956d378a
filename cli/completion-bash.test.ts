import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandTree } from './command-table.js';
import { descendants, spellingsOf } from './command-tree.js';
import { bashScript } from './completion-bash.js';

const tree = commandTree();
const script = bashScript(tree);

/** What the completion function offers for each line (the last word is the one being completed), in one bash. */
function complete(lines: readonly (readonly string[])[]): string[] {
  const queries = lines.map((words) => `q ${words.map((w) => `'${w}'`).join(' ')}`).join('\n');
  const program = `${script}
q() { COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _gitseal; echo "\${COMPREPLY[*]}"; }
${queries}`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').slice(0, lines.length);
}
const offers = (...words: string[]) => complete([words])[0]!.split(' ').filter(Boolean);

describe('the bash completion script', () => {
  it('parses, and registers _gitseal for gitseal with file names as the fallback', () => {
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `${script}\ncomplete -p gitseal`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('complete -o default -F _gitseal gitseal');
  });

  it('completes commands, subcommands and options', () => {
    expect(offers('gitseal', 'dec')).toEqual(['decrypt']);
    expect(offers('gitseal', 'e')).toEqual(tree.subcommands.map((c) => c.path[0]).filter((n) => n!.startsWith('e')));
    expect(offers('gitseal', 'git', 's')).toEqual(['setup']);
    expect(offers('gitseal', 'decrypt', '--')).toEqual(expect.arrayContaining(['--key', '--output', '--in-place', '--help']));
    expect(offers('gitseal', 'decrypt', '--o')).toEqual(expect.arrayContaining(['--output']));
    expect(offers('gitseal', 'import', 'sops', '--i')).toEqual(expect.arrayContaining(['--in-place', '--input-type', '--ignore-mac']));
    expect(offers('gitseal', '--key', 'k.yaml', 'decrypt', 'f', '-')).toContain('-i'); // words before the command do not count as positionals
  });

  it('completes choices, and leaves files and free values to readline', () => {
    expect(offers('gitseal', 'keys', '')).toEqual(['list', 'rotate', 'revoke', 'destroy', 'writer']);
    expect(offers('gitseal', 'keygen', '--alg', '')).toEqual(['mlkem1024-x25519', 'mlkem1024']);
    expect(offers('gitseal', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(offers('gitseal', 'help', 'dec')).toEqual(['decrypt']);
    expect(offers('gitseal', 'decrypt', '')).toEqual([]); // a file
    expect(offers('gitseal', 'decrypt', '--output', '')).toEqual([]); // a file
    expect(offers('gitseal', 'decrypt', '-o', 'x', '')).toEqual([]); // -o took x: the file is still to come
    expect(offers('gitseal', 'exec-env', 'f', '--', '')).toEqual([]); // the command's own words
    expect(offers('gitseal', 'keygen', '')).toContain('--writer'); // no positionals: options
  });

  it('offers, for every command of the table, its subcommands and long options, and no others', () => {
    const nodes = [tree, ...descendants(tree)];
    const subcommands = complete(nodes.map((n) => ['gitseal', ...n.path, '']));
    const options = complete(nodes.map((n) => ['gitseal', ...n.path, '--']));
    nodes.forEach((node, i) => {
      const path = node.path.join(' ');
      if (node.subcommands.length > 0) expect(subcommands[i]!.split(' '), path).toEqual(node.subcommands.map((c) => c.path.at(-1)));
      expect(options[i]!.split(' ').sort(), path).toEqual(node.options.flatMap(spellingsOf).filter((s) => s.startsWith('--')).sort());
    });
  });
});
