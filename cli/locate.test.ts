import { describe, expect, it } from 'vitest';
import type { Leaf } from '../core/format/plain-document.js';
import { errorOf } from '../test/helpers/errors.js';
import { locate } from './locate.js';

const leaf = (...path: string[]): Leaf => ({ path, raw: 'x' });
const DOCS: Leaf[][] = [
  [leaf('metadata', 'name'), leaf('stringData', 'dsn')],
  [leaf('stringData', 'dsn', 'host')],
];

describe('locate', () => {
  it('finds the document holding a path, or, for a new key, the first whose parent is a mapping', () => {
    expect(locate(DOCS, ['stringData', 'dsn'], false)).toBe(0);
    expect(locate(DOCS, ['stringData', 'dsn', 'host'], false)).toBe(1);
    expect(locate(DOCS, ['stringData', 'new'], true)).toBe(0);
    // stringData.dsn is a value in the first document and a mapping in the second: the key goes there.
    expect(locate(DOCS, ['stringData', 'dsn', 'port'], true)).toBe(1);
  });

  it('refuses a path below a value with E_PATH naming the value', () => {
    for (const [path, allowNew] of [[['metadata', 'name', 'x'], true], [['metadata', 'name', 'x', 'y'], true], [['metadata', 'name', 'x'], false]] as const) {
      const e = errorOf(() => locate(DOCS, path, allowNew));
      expect(e.code).toBe('E_PATH');
      expect(e.message).toMatch(/^metadata\.name is a value, not a mapping or list/);
    }
  });

  it('says a path is not in the file when nothing holds it or its parent', () => {
    const e = errorOf(() => locate(DOCS, ['nowhere', 'key'], true));
    expect([e.code, e.message]).toEqual(['E_PATH', 'nowhere.key is not in the file']);
  });
});
