import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandTree } from './command-table.js';
import { descendants, findCommand, spellingsOf } from './command-tree.js';
import { bashScript } from './completion-bash.js';
import { HELP_TOPICS } from './help-topics.js';

const tree = commandTree();
const script = bashScript(tree);
const names = (path: readonly string[]) => findCommand(tree, path)!.subcommands.map((c) => c.path.at(-1)!);

// A folder with a file and a folder in it, for the completions that are file names.
const dir = mkdtempSync(join(tmpdir(), 'gitseal-bash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'out.yaml'), '');
mkdirSync(join(dir, 'sub'));

/** What the completion function offers for each line (the last word is the one being completed), in one bash. */
function complete(lines: readonly (readonly string[])[]): string[] {
  const queries = lines.map((words) => `q ${words.map((w) => `'${w}'`).join(' ')}`).join('\n');
  const program = `${script}
q() { COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _gitseal; echo "\${COMPREPLY[*]}"; }
${queries}`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8', cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').slice(0, lines.length);
}
const offers = (...words: string[]) => complete([words])[0]!.split(' ').filter(Boolean);

const hasScript = spawnSync('script', ['--version']).error === undefined;

/**
 * What readline makes of each line typed, TAB, Enter, in an interactive bash (under script(1), for a
 * terminal) with the script loaded: a gitseal function prints the words it is called with, <each>.
 */
function typed(lines: readonly string[], setup = ''): string[] {
  const rc = join(dir, 'bashrc');
  writeFileSync(rc, `PS1='$ '\n${setup}\n${script}\ngitseal() { printf '<%s>' "$@"; echo; }\n`);
  const input = `${lines.map((l) => `${l}\t\n`).join('')}exit\n`;
  const r = spawnSync('script', ['-qec', `bash --noprofile --rcfile ${rc} -i`, '/dev/null'], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, TERM: 'dumb', HOME: dir }, timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split(/\r?\n/).filter((l) => l.startsWith('<'));
}

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
    expect(offers('gitseal', 'decrypt', '--output-type', '')).toEqual(['yaml', 'json', 'dotenv']);
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

  it('completes after help what gitseal help takes: the commands, their subcommands, and the topics that are not commands', () => {
    expect(offers('gitseal', 'help', '')).toEqual([...names([]), ...HELP_TOPICS.map((t) => t.name)]);
    expect(offers('gitseal', 'help', 'ex')).toEqual(['exec-env', 'exec-file', 'export', 'exit-codes']);
    expect(offers('gitseal', 'help', 'git', '')).toEqual(['setup', 'textconv', 'merge', 'pre-commit']);
    expect(offers('gitseal', 'help', 'import', 's')).toEqual(names(['import']));
    expect(offers('gitseal', 'help', '--config', 'c.yaml', 'git', 'm')).toEqual(['merge']);
    expect(offers('gitseal', 'help', 'git', 'setup', '')).toEqual(offers('gitseal', 'help', '-')); // nothing more to name: help's options
    expect(offers('gitseal', 'help', 'exit-codes', '')).toEqual(offers('gitseal', 'help', '-'));
    const groups = descendants(tree).filter((n) => n.subcommands.length > 0);
    const offered = complete(groups.map((n) => ['gitseal', 'help', ...n.path, '']));
    groups.forEach((node, i) => expect(offered[i]!.split(' '), node.path.join(' ')).toEqual(names(node.path)));
  });

  it('completes the value after --opt=, which is three words when COMP_WORDBREAKS has = (the default)', () => {
    expect(offers('gitseal', 'decrypt', '--output-type', '=')).toEqual(['yaml', 'json', 'dotenv']); // --output-type=<TAB>
    expect(offers('gitseal', 'decrypt', '--output-type', '=', 'js')).toEqual(['json']);
    expect(offers('gitseal', 'keygen', '--alg', '=', 'mlkem1024-')).toEqual(['mlkem1024-x25519']);
    expect(offers('gitseal', 'decrypt', '--output', '=')).toEqual([]); // a file: readline completes the text after =
    // The value is taken: what follows is the positional.
    expect(offers('gitseal', 'completion', '--config', '=', 'c.yaml', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(offers('gitseal', 'completion', '--config', '=', '-c.yaml', '')).toEqual(['bash', 'zsh', 'fish']); // even one that starts with a dash
    expect(offers('gitseal', '--config', '=', 'c.yaml', 'git', '')).toEqual(['setup', 'textconv', 'merge', 'pre-commit']);
  });

  it('completes the value after --opt= when COMP_WORDBREAKS has no =, keeping --opt= in front', () => {
    expect(offers('gitseal', 'decrypt', '--output-type=')).toEqual(['--output-type=yaml', '--output-type=json', '--output-type=dotenv']);
    expect(offers('gitseal', 'decrypt', '--output-type=js')).toEqual(['--output-type=json']);
    expect(offers('gitseal', 'decrypt', '--output=')).toEqual(['--output=out.yaml', '--output=sub/']); // files, and folders with a /
    expect(offers('gitseal', 'decrypt', '--output=o')).toEqual(['--output=out.yaml']);
    expect(offers('gitseal', 'decrypt', '--in-place=')).toEqual([]); // a flag: no files
    expect(offers('gitseal', 'decrypt', '--output-type=json', '')).toEqual([]); // the file is still to come
  });

  // The tests above set COMP_WORDS as bash splits the line; here bash splits it, and readline puts the answer on the line.
  it.skipIf(!hasScript)('puts the answer on the line after --opt=, in an interactive bash, with = in COMP_WORDBREAKS or not', () => {
    const lines = ['gitseal decrypt --output-type=js', 'gitseal decrypt --output=ou', 'gitseal decrypt --output=s', 'gitseal help git se'];
    const expected = ['<decrypt><--output-type=json>', '<decrypt><--output=out.yaml>', '<decrypt><--output=sub/>', '<help><git><setup>'];
    expect(typed(lines)).toEqual(expected);
    expect(typed(lines, 'COMP_WORDBREAKS=${COMP_WORDBREAKS//=}')).toEqual(expected);
  });
});
