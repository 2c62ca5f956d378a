import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from './suggest.js';

describe('editDistance', () => {
  it.each([
    ['decrypt', 'decrypt', 0],
    ['decrpyt', 'decrypt', 1], // a swap is one edit
    ['dcrypt', 'decrypt', 1],
    ['decryptt', 'decrypt', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['abc', '', 3],
  ])('%s → %s: %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('nearest', () => {
  const COMMANDS = ['keygen', 'init', 'encrypt', 'decrypt', 'edit', 'set', 'unset', 'git', 'diff'];

  it('finds a typo of a command', () => {
    expect(nearest('decrpyt', COMMANDS)).toBe('decrypt');
    expect(nearest('encryt', COMMANDS)).toBe('encrypt');
    expect(nearest('kegen', COMMANDS)).toBe('keygen');
    expect(nearest('gti', COMMANDS)).toBe('git');
  });

  it('suggests nothing for a word that is far from every name', () => {
    expect(nearest('frobnicate', COMMANDS)).toBeNull();
    expect(nearest('x', COMMANDS)).toBeNull(); // yargs' recommendation would say git
    expect(nearest('xyz', COMMANDS)).toBeNull();
  });

  it('prefers the closest, then the first', () => {
    expect(nearest('sett', COMMANDS)).toBe('set');
    expect(nearest('edt', ['edit', 'eat'])).toBe('edit');
  });

  it('compares options without their dashes, and takes a start for a match', () => {
    const OPTIONS = ['--key', '--output', '-o', '--in-place', '-i', '--follow-symlinks'];
    expect(nearest('--ouptut', OPTIONS)).toBe('--output');
    expect(nearest('--inplace', OPTIONS)).toBe('--in-place');
    expect(nearest('--output-type', OPTIONS)).toBe('--output');
    expect(nearest('--follow', OPTIONS)).toBe('--follow-symlinks');
    expect(nearest('-z', OPTIONS)).toBeNull();
    expect(nearest('--ke', OPTIONS)).toBe('--key');
  });
});
