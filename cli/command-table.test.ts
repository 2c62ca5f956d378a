import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageError, parse } from './parse-for-tests.js';
import { VERSION } from './version.js';

const COMMANDS_DIR = join(import.meta.dirname, 'commands');

describe('the command table', () => {
  it('asks for a command, and refuses unknown ones with the nearest', async () => {
    await expectUsageError([], 'name a command: gitseal --help lists them');
    await expectUsageError(['nope'], 'unknown command nope: gitseal --help lists them');
    await expectUsageError(['decrpyt', 'x.yaml'], 'unknown command decrpyt; did you mean decrypt?');
  });

  it.each([
    ['git', 'name a git subcommand: setup, textconv, merge or pre-commit'],
    ['policy', 'name a policy subcommand: check'],
    ['import', 'name an import subcommand: sops or sealed-secrets'],
    ['export', 'name an export subcommand: sops'],
    ['audit', 'name an audit subcommand: verify'],
  ])('%s asks for its subcommand', async (group, message) => {
    await expectUsageError([group], message);
    await expectUsageError([group, 'nope'], `unknown command ${group} nope: gitseal ${group} --help lists them`);
  });

  it('--help lists every command and runs none', async () => {
    const { invocation, output } = await parse(['--help']);
    expect(invocation).toBeNull();
    for (const name of ['keygen', 'init', 'encrypt', 'decrypt', 'edit', 'set', 'unset', 'updatekeys', 'rotate', 'verify', 'exec-env', 'diff', 'git', 'serve', 'controller', 'keys', 'recipient', 'policy', 'import', 'export', 'audit', 'help', 'completion'])
      expect(output).toMatch(new RegExp(`^ {2}gitseal ${name}\\b`, 'm'));
  });

  it('--version and -h answer without running a command', async () => {
    expect(await parse(['--version'])).toEqual({ invocation: null, output: VERSION });
    expect((await parse(['encrypt', '-h'])).output).toMatch(/^gitseal encrypt <file> \[more\.\.\]\n/);
  });

  // Start-up loads every definition: they may import yargs' types and each other, never an implementation.
  it.each(readdirSync(COMMANDS_DIR).filter((f) => f.endsWith('.command.ts')))('%s imports nothing heavy', (file) => {
    const imports = [...readFileSync(join(COMMANDS_DIR, file), 'utf8').matchAll(/^import\s+(type\s)?[^;]*?'([^']+)';/gm)].map((m) => ({ typeOnly: m[1] !== undefined, from: m[2]! }));
    expect(imports.length).toBeGreaterThan(0);
    for (const { typeOnly, from } of imports) {
      if (typeOnly) continue;
      expect(['../command.js', '../shared-options.js'].includes(from) || /^\.\/[a-z-]+\.command\.js$/.test(from), `${file} imports ${from}`).toBe(true);
    }
  });
});
