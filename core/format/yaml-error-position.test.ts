import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/helpers/errors.js';
import { parsePlainStream } from './yaml-store.js';

/** 17 good lines: the mistake goes on line 18. */
const HEAD = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: prod\ntype: Opaque\nstringData:\n${Array.from({ length: 10 }, (_, i) => `  k${i}: v${i}\n`).join('')}`;
const at = (text: string) => /at (line \d+, column \d+): (.*)$/.exec(errorOf(() => parsePlainStream(text)).message)?.slice(1);

describe('the line a YAML syntax error names', () => {
  it('is the line of a quote or bracket left open on the last line (it named line 19, after the final newline, for line 18)', () => {
    for (const open of ['"x', "'x", '[x, y', '{x: 1'])
      expect(at(`${HEAD}  dsn: ${open}\n`), open).toEqual(['line 18, column 8', 'a quote or bracket that opens here is not closed']);
  });

  it('is the line where the quote or bracket opens, not where the parser gave up, with lines after it', () => {
    for (const open of ['"x', "'x", '[x, y', '{x: 1']) expect(at(`${HEAD}  dsn: ${open}\n  after: 1\n  more: 2\n`)?.[0], open).toBe('line 18, column 8');
  });

  it('stays on the line of a mistake the parser places there', () => {
    expect(at(`${HEAD}  dsn: a: b\n`)?.[0]).toBe('line 18, column 8');
    expect(at(`${HEAD}\tdsn: x\n`)?.[0]).toBe('line 18, column 1');
    expect(at(`${HEAD}  dsn: x\n  - y\n`)?.[0]).toBe('line 19, column 1');
  });

  it('is within the text for an error at its very end, without a final newline too', () => {
    expect(at(`${HEAD}  dsn: "x`)?.[0]).toBe('line 18, column 8');
    expect(at(`${HEAD}  dsn: |\n x\n\n\n`)?.[0]).toMatch(/^line (18|19), /);
  });
});
