import { describe, expect, it } from 'vitest';
import { GitsealError } from '../core/errors.js';
import { errorHeader, stripHeader, withHeader } from './edit-header.js';

describe('the comment block of gitseal edit', () => {
  it('goes on top as # gitseal: lines and comes off whole, however many lines the user left, and only at the top', () => {
    const text = 'a: 1\n# gitseal: a comment of the user, below the top\n';
    expect(withHeader(['one', 'two\nlines'], text)).toBe(`# gitseal: one\n# gitseal: two lines\n${text}`);
    expect(stripHeader(withHeader(['one', 'two'], text))).toBe(text);
    expect(stripHeader(`# gitseal: one\r\n${text}`)).toBe(text);
    expect(stripHeader(text)).toBe(text);
    expect(stripHeader('# gitseal: only')).toBe('');
  });

  it('names the line of an error as the editor shows it, below the block', () => {
    const lines = errorHeader(new GitsealError('E_YAML', 'invalid YAML at line 18, column 8: x'), 's.enc.yaml');
    expect(lines[0]).toBe('not encrypted: invalid YAML at line 21, column 8: x [E_YAML]');
    expect(lines).toHaveLength(3);
    const shown = withHeader(lines, `${'k: v\n'.repeat(17)}bad: "\n`).split('\n');
    expect(shown[20]).toBe('bad: "');
  });
});
