import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { encryptCommand } from './encrypt.command.js';

describe('gitseal encrypt', () => {
  it('writes to stdout by default; the scope comes from .gitseal.yaml unless given', async () => {
    const opts = await optionsFor(encryptCommand, ['encrypt', 's.yaml']);
    expect(opts.file).toBe('s.yaml');
    expect([opts.inPlace, opts.output, opts.key, opts.recipient, opts.scope]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expectTypeOf(opts.file).toEqualTypeOf<string>();
    expectTypeOf(opts.scope).toEqualTypeOf<'strict' | 'namespace' | 'cluster' | undefined>();
  });

  it('keeps "-" (stdin) as the file', async () => {
    expect((await optionsFor(encryptCommand, ['encrypt', '-'])).file).toBe('-');
  });

  it('reads -i, -o, --key, repeated -r and --scope', async () => {
    expect(await optionsFor(encryptCommand, ['encrypt', 's.yaml', '-i', '--key', 'k.yaml'])).toMatchObject({ inPlace: true, 'in-place': true, key: 'k.yaml' });
    const opts = await optionsFor(encryptCommand, ['encrypt', 's.yaml', '-o', 'out.yaml', '-r', 'a', '-r', 'b', '--scope', 'namespace']);
    expect(opts).toMatchObject({ output: 'out.yaml', recipient: ['a', 'b'], scope: 'namespace' });
  });

  it('refuses -i with -o, a missing or second file, and an unknown scope', async () => {
    await expectUsageError(['encrypt', 's.yaml', '-i', '-o', 'x'], 'Arguments in-place and output are mutually exclusive');
    await expectUsageError(['encrypt', 's.yaml', '--in-place', '--output', 'x'], 'Arguments in-place and output are mutually exclusive');
    await expectUsageError(['encrypt'], 'Not enough non-option arguments: got 0, need at least 1');
    await expectUsageError(['encrypt', 'a', 'b'], 'Unknown argument: b');
    await expectUsageError(['encrypt', 's.yaml', '--scope', 'wide'], /^Invalid values:\n {2}Argument: scope, Given: "wide"/);
  });
});
