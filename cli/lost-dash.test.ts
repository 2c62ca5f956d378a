import { describe, expect, it } from 'vitest';
import { expectUsageError, optionsFor } from './parse-for-tests.js';
import { filesOf } from './shared-options.js';
import { decryptCommand } from './commands/decrypt.command.js';
import { encryptCommand } from './commands/encrypt.command.js';
import { execEnvCommand } from './commands/exec-env.command.js';
import { setCommand } from './commands/set.command.js';

const LOST = /^- \(standard input\) can only be the one file a command reads/;

describe('a - that yargs would drop from a list of files', () => {
  it('is refused wherever it stands after the first file, with or without -i', async () => {
    await expectUsageError(['encrypt', '-i', 'a.yaml', '-', 'b.yaml'], LOST);
    await expectUsageError(['encrypt', 'a.yaml', '-'], LOST);
    await expectUsageError(['decrypt', '-i', 'a.yaml', 'b.yaml', '-'], LOST);
    await expectUsageError(['rotate', 'a.yaml', '-'], LOST);
    await expectUsageError(['rotate', '-'], LOST); // a <files..> list drops even its first -
    await expectUsageError(['encrypt', '-i', '-o', 'x', 'a.yaml', '-'], /mutually exclusive|standard input/);
  });

  it('is a usage error as the value of an option that takes exactly one (yargs refuses it: it was an internal error)', async () => {
    await expectUsageError(['encrypt', '-r', '-', 'a.yaml'], 'Not enough arguments following: r');
    await expectUsageError(['encrypt', 'a.yaml', '-R', '-'], 'Not enough arguments following: R');
  });

  it('leaves every - the parse keeps alone: the one file, an option value, a positional, and after --', async () => {
    expect(filesOf(await optionsFor(encryptCommand, ['encrypt', '-']))).toEqual(['-']);
    expect(filesOf(await optionsFor(encryptCommand, ['encrypt', '-', '-o', '-']))).toEqual(['-']);
    expect(filesOf(await optionsFor(encryptCommand, ['encrypt', '-o', '-', 'a.yaml']))).toEqual(['a.yaml']);
    expect(filesOf(await optionsFor(decryptCommand, ['decrypt', '-', '--output', '-']))).toEqual(['-']);
    expect(await optionsFor(setCommand, ['set', 'a.yaml', 'stringData.x', '-'])).toMatchObject({ file: 'a.yaml', value: '-' });
    expect(await optionsFor(execEnvCommand, ['exec-env', 'a.yaml', '--', 'cat', '-'])).toMatchObject({ file: 'a.yaml' });
  });
});
