import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../core/errors.js';
import { commandTree } from './command-table.js';
import { refuseHelpAsValue } from './help-word.js';

const refused = (args: string[]): boolean => {
  try {
    refuseHelpAsValue(commandTree(), args);
    return false;
  } catch (e) {
    if (isGitsealError(e, 'E_USAGE')) return true;
    throw e;
  }
};

describe('the word help, which yargs reads as --help when it comes last', () => {
  it('is refused after other arguments, where it may be a value or a file', () => {
    expect(refused(['set', 'app.enc.yaml', 'stringData.mode', 'help'])).toBe(true);
    expect(refused(['encrypt', '-i', 'a.yaml', 'help'])).toBe(true);
    expect(refused(['decrypt', '-o', 'out.yaml', 'a.yaml', 'help'])).toBe(true);
    expect(refused(['git', 'merge', 'base', 'ours', 'theirs', 'help'])).toBe(true);
  });

  it('asks for help as the first word after a command, or with --help or -h', () => {
    expect(refused(['decrypt', 'help'])).toBe(false);
    expect(refused(['git', 'help'])).toBe(false);
    expect(refused(['help'])).toBe(false);
    expect(refused(['decrypt', '-o', 'help', 'help'])).toBe(false); // -o's value is no positional
    expect(refused(['set', 'a.yaml', 'x', 'help', '--help'])).toBe(false);
    expect(refused(['exec-env', 'a.yaml', '--', 'echo', 'help'])).toBe(false);
  });
});
