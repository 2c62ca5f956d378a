import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandTree } from './command-table.js';
import { descendants } from './command-tree.js';
import { zshScript } from './completion-zsh.js';

const hasZsh = spawnSync('zsh', ['--version']).error === undefined;
const script = zshScript(commandTree());

// Outside a completion widget, zsh's completion builtins do not run: these stand-ins print what they were given.
const STANDINS = `
compdef() { print -r -- "compdef $*"; }
_describe() { local -a a; a=("\${(@P)4}"); print -r -- describe \${a%%:*}; }
compadd() { local -a a; a=("\${(@P)2}"); print -r -- "compadd $a"; }
_files() { print -r -- files; }
q() { words=("$@"); CURRENT=$#words; _gitseal; }
`;

function complete(lines: readonly (readonly string[])[]): string[] {
  const queries = lines.map((words) => `q ${words.map((w) => `'${w}'`).join(' ')}`).join('\n');
  const r = spawnSync('zsh', ['-f', '-c', `${STANDINS}\n${script}\n${queries}`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').slice(1, lines.length + 1); // the first line is compdef's
}
const offers = (...words: string[]) => complete([words])[0];

describe.skipIf(!hasZsh)('the zsh completion script', () => {
  it('parses, and registers _gitseal for gitseal when sourced', () => {
    expect(spawnSync('zsh', ['-n', '-c', script]).status).toBe(0);
    const r = spawnSync('zsh', ['-f', '-c', `${STANDINS}\n${script}`], { encoding: 'utf8' });
    expect(r.stdout).toBe('compdef _gitseal gitseal\n');
  });

  it('offers commands and options with their descriptions, choices, and files', () => {
    expect(offers('gitseal', 'dec')).toMatch(/^describe encrypt .*\bdecrypt\b/);
    expect(offers('gitseal', 'git', '')).toBe('describe setup textconv merge pre-commit');
    expect(offers('gitseal', 'decrypt', '--')).toMatch(/^describe .*--key\b.*--output\b/);
    expect(offers('gitseal', 'keys', '')).toBe('compadd list rotate revoke destroy writer');
    expect(offers('gitseal', 'keygen', '--alg', '')).toBe('compadd mlkem1024-x25519 mlkem1024');
    expect(offers('gitseal', 'decrypt', '')).toBe('files');
    expect(offers('gitseal', 'decrypt', '--output', '')).toBe('files');
    expect(offers('gitseal', 'exec-env', 'f', '--', '')).toBe('files');
    expect(script).toContain("'decrypt:decrypt to the exact original bytes'");
  });

  it('offers, for every command of the table, its subcommands', () => {
    const groups = descendants(commandTree()).filter((n) => n.subcommands.length > 0);
    const offered = complete(groups.map((n) => ['gitseal', ...n.path, '']));
    groups.forEach((node, i) => expect(offered[i], node.path.join(' ')).toBe(`describe ${node.subcommands.map((c) => c.path.at(-1)).join(' ')}`));
  });
});
