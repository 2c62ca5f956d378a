import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { updatekeysCommand } from './updatekeys.command.js';

describe('gitseal updatekeys', () => {
  it('takes any number of files and repeated -r', async () => {
    const opts = await optionsFor(updatekeysCommand, ['updatekeys', 'a.yaml', 'b.yaml', 'c.yaml', '-r', 'x', '-r', 'y']);
    expect(opts).toMatchObject({ files: ['a.yaml', 'b.yaml', 'c.yaml'], recipient: ['x', 'y'] });
    expectTypeOf(opts.files).toEqualTypeOf<string[]>();
  });

  it('needs a file', async () => {
    await expectUsageError(['updatekeys'], 'Not enough non-option arguments: got 0, need at least 1');
  });
});
