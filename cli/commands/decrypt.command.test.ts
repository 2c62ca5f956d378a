import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { decryptCommand } from './decrypt.command.js';

describe('gitseal decrypt', () => {
  it('reads the file, -o and --key', async () => {
    const opts = await optionsFor(decryptCommand, ['decrypt', 's.enc.yaml', '-o', 'plain.yaml', '--key', 'k.yaml']);
    expect(opts).toMatchObject({ file: 's.enc.yaml', output: 'plain.yaml', key: 'k.yaml' });
    expect(opts.inPlace).toBeUndefined();
    expectTypeOf(opts.inPlace).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(opts.output).toEqualTypeOf<string | undefined>();
  });

  it('refuses --in-place with --output, and unknown options', async () => {
    await expectUsageError(['decrypt', 'f', '--in-place', '--output', 'x'], 'Arguments in-place and output are mutually exclusive');
    await expectUsageError(['decrypt', 'f', '--recipient', 'r'], 'Unknown argument: recipient');
  });
});
