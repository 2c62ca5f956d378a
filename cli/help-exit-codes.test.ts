import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { EXIT_CHECK_FAILED, EXIT_CODES } from './exit-codes.js';
import { exitCodesText, exitRows } from './help-exit-codes.js';

describe('gitseal help exit-codes', () => {
  const rows = exitRows();

  it('has every error code once, with the status the CLI exits with and the meaning it is declared with', () => {
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    expect(rows.filter((r) => r.code !== '').map((r) => r.code).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(rows.find((r) => r.code === code), code).toEqual({ status: EXIT_CODES[code], code, meaning: ERROR_CODES[code] });
  });

  it('has success and "checked, and the answer is no", and one row a status, in order', () => {
    expect(rows.slice(0, 2).map((r) => [r.status, r.code])).toEqual([
      [0, ''],
      [EXIT_CHECK_FAILED, ''],
    ]);
    const statuses = rows.map((r) => r.status);
    expect(new Set(statuses).size).toBe(statuses.length);
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
  });

  it('prints a row a status, in 100 columns', () => {
    const text = exitCodesText(100);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    for (const r of rows) expect(text, String(r.status)).toMatch(new RegExp(`^ +${r.status} {2}${r.code ? `${r.code} +` : ' +'}${r.meaning.split(' ')[0]}`, 'm'));
  });
});
