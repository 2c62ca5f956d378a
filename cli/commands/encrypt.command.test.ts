import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { filesOf } from '../shared-options.js';
import { encryptCommand } from './encrypt.command.js';

describe('gitseal encrypt', () => {
  it('writes to stdout by default; the scope comes from .gitseal.yaml unless given', async () => {
    const opts = await optionsFor(encryptCommand, ['encrypt', 's.yaml']);
    expect(filesOf(opts)).toEqual(['s.yaml']);
    expect([opts.inPlace, opts.output, opts.key, opts.recipient, opts.scope]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expectTypeOf(opts.file).toEqualTypeOf<string>();
    expectTypeOf(opts.scope).toEqualTypeOf<'strict' | 'namespace' | 'cluster' | undefined>();
  });

  it('keeps "-" (stdin) as the file, and takes several files', async () => {
    expect(filesOf(await optionsFor(encryptCommand, ['encrypt', '-']))).toEqual(['-']);
    expect(filesOf(await optionsFor(encryptCommand, ['encrypt', '-i', 'a.yaml', 'b.yaml']))).toEqual(['a.yaml', 'b.yaml']);
  });

  it('reads -i, -o, --key, repeated -r and --scope', async () => {
    expect(await optionsFor(encryptCommand, ['encrypt', 's.yaml', '-i', '--key', 'k.yaml'])).toMatchObject({ inPlace: true, 'in-place': true, key: 'k.yaml' });
    const opts = await optionsFor(encryptCommand, ['encrypt', 's.yaml', '-o', 'out.yaml', '-r', 'a', '-r', 'b', '--scope', 'namespace']);
    expect(opts).toMatchObject({ output: 'out.yaml', recipient: ['a', 'b'], scope: 'namespace' });
  });

  it('refuses -i with -o, a missing file, and an unknown scope', async () => {
    await expectUsageError(['encrypt', 's.yaml', '-i', '-o', 'x'], 'Arguments in-place and output are mutually exclusive');
    await expectUsageError(['encrypt', 's.yaml', '--in-place', '--output', 'x'], 'Arguments in-place and output are mutually exclusive');
    await expectUsageError(['encrypt'], 'Not enough non-option arguments: got 0, need at least 1');
    await expectUsageError(['encrypt', 's.yaml', '--scope', 'wide'], /^Invalid values:\n {2}Argument: scope, Given: "wide"/);
  });
});
