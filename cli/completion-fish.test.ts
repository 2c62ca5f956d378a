import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandTree } from './command-table.js';
import { descendants } from './command-tree.js';
import { fishScript } from './completion-fish.js';
import { HELP_TOPICS } from './help-topics.js';

const hasFish = spawnSync('fish', ['--version']).error === undefined;
const dir = mkdtempSync(join(tmpdir(), 'gitseal-fish-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'gitseal.fish');
const tree = commandTree();
const script = fishScript(tree);
writeFileSync(file, script);

/** fish's own answers (`complete -C`), one list of candidates per line, in one fish. */
function complete(lines: readonly string[]): string[][] {
  const queries = lines.map((line) => `complete -C '${line}'; echo '<end>'`).join('\n');
  const r = spawnSync('fish', ['--no-config', '-c', `source '${file}'\n${queries}`], { encoding: 'utf8', cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout
    .split('<end>\n')
    .slice(0, lines.length)
    .map((block) => block.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!));
}
const offers = (line: string) => complete([line])[0]!;

describe.skipIf(!hasFish)('the fish completion script', () => {
  it('parses', () => {
    expect(spawnSync('fish', ['--no-config', '-n', file]).status).toBe(0);
  });

  it('completes commands, options, choices and files', () => {
    expect(offers('gitseal dec')).toEqual(['decrypt']);
    expect(offers('gitseal git s')).toEqual(['setup']);
    expect(offers('gitseal decrypt --')).toEqual(expect.arrayContaining(['--key', '--output', '--in-place', '--help']));
    expect(offers('gitseal keys ')).toEqual(['destroy', 'list', 'revoke', 'rotate', 'writer']);
    expect(offers('gitseal keygen --alg ')).toEqual(['mlkem1024', 'mlkem1024-x25519']);
    expect(offers('gitseal help dec')).toEqual(['decrypt']);
    expect(offers('gitseal decrypt ')).toEqual(['gitseal.fish']); // a file (the folder holds only the script)
    expect(offers('gitseal decrypt --output ')).toEqual(['gitseal.fish']);
    expect(offers('gitseal keygen ')).toEqual([]); // options only, after a dash
  });

  it('offers, for every command of the table, its subcommands with their descriptions', () => {
    const groups = descendants(commandTree()).filter((n) => n.subcommands.length > 0);
    const offered = complete(groups.map((n) => `gitseal ${n.path.join(' ')} `));
    groups.forEach((node, i) => expect(offered[i], node.path.join(' ')).toEqual(node.subcommands.map((c) => c.path.at(-1)).sort()));
  });

  it('offers after help what gitseal help takes: the commands, their subcommands, and the topics that are not commands', () => {
    expect(offers('gitseal help ')).toEqual([...tree.subcommands.map((c) => c.path[0]!), ...HELP_TOPICS.map((t) => t.name)].sort());
    expect(offers('gitseal help exit')).toEqual(['exit-codes']);
    expect(offers('gitseal help git ')).toEqual(['merge', 'pre-commit', 'setup', 'textconv']);
    expect(offers('gitseal help git setup ')).toEqual([]); // nothing more to name, and no files
    expect(offers('gitseal help exit-codes ')).toEqual([]);
    const groups = descendants(tree).filter((n) => n.subcommands.length > 0);
    const offered = complete(groups.map((n) => `gitseal help ${n.path.join(' ')} `));
    groups.forEach((node, i) => expect(offered[i], node.path.join(' ')).toEqual(node.subcommands.map((c) => c.path.at(-1)).sort()));
  });

  it('offers the options every command has, once for all, and no option after --', () => {
    expect(script.match(/-l 'help'/g)).toHaveLength(1);
    expect(offers('gitseal git setup --')).toEqual(expect.arrayContaining(['--help', '--version', '--config']));
    expect(offers('gitseal help git --h')).toEqual(['--help']);
    expect(offers('gitseal exec-env f -- --')).toEqual([]);
    expect(offers('gitseal decrypt --output-type=')).toEqual(['--output-type=dotenv', '--output-type=json', '--output-type=yaml']); // fish's own
  });
});
