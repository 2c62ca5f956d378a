import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { setCommand } from './set.command.js';

describe('gitseal set', () => {
  it('takes FILE PATH VALUE as strings, even when VALUE looks like a number', async () => {
    const opts = await optionsFor(setCommand, ['set', 's.yaml', 'stringData.port', '0123']);
    expect(opts).toMatchObject({ file: 's.yaml', path: 'stringData.port', value: '0123' });
    expect([opts.base64, opts.json]).toEqual([undefined, undefined]);
    expectTypeOf(opts.value).toEqualTypeOf<string>();
  });

  it('keeps VALUE "-" (read stdin) and reads --base64 and --json', async () => {
    expect(await optionsFor(setCommand, ['set', 's.yaml', 'data.k', '-', '--base64'])).toMatchObject({ value: '-', base64: true });
    expect(await optionsFor(setCommand, ['set', 's.yaml', 'a', 'true', '--json', '--key', 'k.yaml'])).toMatchObject({ value: 'true', json: true, key: 'k.yaml' });
  });

  it('needs all three positionals', async () => {
    await expectUsageError(['set', 's.yaml'], 'Not enough non-option arguments: got 1, need at least 3');
    await expectUsageError(['set', 's.yaml', 'a', 'b', 'c'], 'unexpected argument c for set (gitseal set <file> <path> <value>)');
  });
});
