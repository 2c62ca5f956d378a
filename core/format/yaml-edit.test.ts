import { describe, expect, it } from 'vitest';
import { setValue, unsetValue } from './yaml-edit.js';

const SRC = `# comment
stringData:
  password: "old"   # keep me
  user: 'admin'
  list:
    - a
    - b
data: {x: 1, y: 2}
`;

describe('setValue / unsetValue', () => {
  it('rewrites one value in place, keeping quotes and comments', () => {
    const out = setValue(SRC, 0, ['stringData', 'password'], { string: 'n"ew' });
    expect(out).toBe(SRC.replace('"old"', '"n\\"ew"'));
    expect(setValue(SRC, 0, ['stringData', 'list', 1], { string: 'c' })).toBe(SRC.replace('- b', '- c'));
    expect(setValue(SRC, 0, ['data', 'y'], { literal: '42' })).toBe(SRC.replace('y: 2', 'y: 42'));
  });

  it('quotes a string that would read back as another type', () => {
    expect(setValue(SRC, 0, ['stringData', 'list', 0], { string: '42' })).toBe(SRC.replace('- a', '- "42"'));
    expect(setValue(SRC, 0, ['stringData', 'list', 0], { string: 'true' })).toBe(SRC.replace('- a', '- "true"'));
    expect(setValue(SRC, 0, ['stringData', 'list', 0], { string: '' })).toBe(SRC.replace('- a', '- ""'));
    expect(setValue(SRC, 0, ['stringData', 'list', 0], { string: 'plain' })).toBe(SRC.replace('- a', '- plain'));
  });

  it('adds a new key', () => {
    const out = setValue(SRC, 0, ['stringData', 'token'], { string: 'abc' });
    expect(out).toContain('token: abc');
    expect(out).toContain('# keep me');
  });

  it('removes a key and nothing else', () => {
    expect(unsetValue(SRC, 0, ['stringData', 'user'])).toBe(SRC.replace("  user: 'admin'\n", ''));
    expect(unsetValue(SRC, 0, ['data', 'x'])).not.toContain('x: 1');
    expect(unsetValue(SRC, 0, ['stringData', 'password'])).toBe(SRC.replace('  password: "old"   # keep me\n', ''));
  });

  it('refuses paths that are not there', () => {
    expect(() => unsetValue(SRC, 0, ['nope'])).toThrow(/not in document/);
    expect(() => setValue(SRC, 0, ['stringData'], { string: 'x' })).toThrow(/mapping or list/);
    expect(() => setValue(SRC, 0, ['a', 'b'], { string: 'x' })).toThrow(/does not exist/);
  });
});
