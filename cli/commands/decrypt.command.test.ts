import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { filesOf } from '../shared-options.js';
import { decryptCommand } from './decrypt.command.js';

describe('gitseal decrypt', () => {
  it('reads the file, -o and --key', async () => {
    const opts = await optionsFor(decryptCommand, ['decrypt', 's.enc.yaml', '-o', 'plain.yaml', '--key', 'k.yaml']);
    expect(opts).toMatchObject({ file: 's.enc.yaml', output: 'plain.yaml', key: 'k.yaml' });
    expect(opts.inPlace).toBeUndefined();
    expectTypeOf(opts.inPlace).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(opts.output).toEqualTypeOf<string | undefined>();
  });

  it('reads --extract and --output-type, and several files', async () => {
    const opts = await optionsFor(decryptCommand, ['decrypt', 's.enc.yaml', '--extract', '["data"]["password"]', '--output-type', 'json']);
    expect(opts).toMatchObject({ extract: '["data"]["password"]', outputType: 'json' });
    expectTypeOf(opts.outputType).toEqualTypeOf<'yaml' | 'json' | 'dotenv' | undefined>();
    expect(filesOf(await optionsFor(decryptCommand, ['decrypt', '-i', 'a', 'b']))).toEqual(['a', 'b']);
    expect(filesOf(await optionsFor(decryptCommand, ['decrypt', '-']))).toEqual(['-']);
  });

  it('refuses --in-place with --output, an unknown output type, and unknown options', async () => {
    await expectUsageError(['decrypt', 'f', '--output-type', 'ini'], /^Invalid values:\n {2}Argument: output-type, Given: "ini"/);
    await expectUsageError(['decrypt', 'f', '--in-place', '--output', 'x'], 'Arguments in-place and output are mutually exclusive');
    await expectUsageError(['decrypt', 'f', '--recipient', 'r'], /recipient/);
  });
});
