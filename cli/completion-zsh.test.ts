import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandTree } from './command-table.js';
import { descendants } from './command-tree.js';
import { zshScript } from './completion-zsh.js';
import { HELP_TOPICS } from './help-topics.js';

const hasZsh = spawnSync('zsh', ['--version']).error === undefined;
const hasScript = spawnSync('script', ['--version']).error === undefined;
const tree = commandTree();
const script = zshScript(tree);

// Outside a completion widget, zsh's completion builtins do not run: these stand-ins print what they were given.
const STANDINS = `
compdef() { print -r -- "compdef $*"; }
_describe() { local -a a; a=("\${(@P)4}"); print -r -- describe \${a%%:*}; }
compadd() { local -a a; a=("\${(@P)2}"); print -r -- "compadd $a"; }
_files() { print -r -- files; }
compset() { print -rn -- "compset $*: "; }
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

  it('offers after help what gitseal help takes: the commands, their subcommands, and the topics that are not commands', () => {
    expect(offers('gitseal', 'help', '')).toBe(`describe ${[...tree.subcommands.map((c) => c.path[0]), ...HELP_TOPICS.map((t) => t.name)].join(' ')}`);
    expect(offers('gitseal', 'help', 'git', '')).toBe('describe setup textconv merge pre-commit');
    expect(offers('gitseal', 'help', 'git', 'setup', '')).toMatch(/^describe .*--help\b/); // nothing more to name: help's options
    expect(script).toContain(`'exit-codes:${HELP_TOPICS[0].describe}'`);
    const groups = descendants(tree).filter((n) => n.subcommands.length > 0);
    const offered = complete(groups.map((n) => ['gitseal', 'help', ...n.path, '']));
    groups.forEach((node, i) => expect(offered[i], node.path.join(' ')).toBe(`describe ${node.subcommands.map((c) => c.path.at(-1)).join(' ')}`));
  });

  it('offers the value after --opt=, past the =', () => {
    expect(offers('gitseal', 'decrypt', '--output-type=js')).toBe('compset -P *=: compadd yaml json dotenv');
    expect(offers('gitseal', 'keygen', '--alg=')).toBe('compset -P *=: compadd mlkem1024-x25519 mlkem1024');
    expect(offers('gitseal', 'decrypt', '--output=')).toBe('compset -P *=: files');
    expect(offers('gitseal', 'decrypt', '--output-type=json', '')).toBe('files');
  });

  // The stand-ins above show what the function asks for; here zsh's own completion system puts the answer on the line.
  it.skipIf(!hasScript)('puts the answer on the line in an interactive zsh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitseal-zsh-'));
    try {
      writeFileSync(join(dir, 'out.yaml'), '');
      writeFileSync(join(dir, '.zshrc'), `PS1='$ '\nautoload -U compinit && compinit -u\n${script}\ngitseal() { printf '<%s>' "$@"; echo; }\n`);
      const lines = ['gitseal decrypt --output-type=js', 'gitseal decrypt --output=ou', 'gitseal help git se', 'gitseal help exit-c'];
      const input = `${lines.map((l) => `${l}\t\n`).join('')}exit\n`;
      const r = spawnSync('script', ['-qec', 'zsh -i', '/dev/null'], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, TERM: 'dumb', HOME: dir, ZDOTDIR: dir }, timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.split(/\r?\n/).filter((l) => l.startsWith('<'))).toEqual(['<decrypt><--output-type=json>', '<decrypt><--output=out.yaml>', '<help><git><setup>', '<help><exit-codes>']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
