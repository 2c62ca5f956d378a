import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { verifyCommand } from './verify.command.js';

describe('gitseal verify', () => {
  it('parses with no files (the command itself asks for files or --all)', async () => {
    const opts = await optionsFor(verifyCommand, ['verify']);
    expect(opts.files).toEqual([]);
    expect([opts.all, opts.json, opts.withoutKey]).toEqual([undefined, undefined, undefined]);
    expectTypeOf(opts.files).toEqualTypeOf<string[] | undefined>();
  });

  it('reads files, --all and its alias --repo, --json and --without-key', async () => {
    expect(await optionsFor(verifyCommand, ['verify', 'a.yaml', 'b.yaml', '--json', '--without-key'])).toMatchObject({ files: ['a.yaml', 'b.yaml'], json: true, withoutKey: true });
    expect(await optionsFor(verifyCommand, ['verify', '--repo', 'deploy'])).toMatchObject({ all: true, files: ['deploy'] });
    expect((await optionsFor(verifyCommand, ['verify', '--all'])).all).toBe(true);
  });

  it('reads --base, the commit .gitseal.yaml is compared with', async () => {
    expect((await optionsFor(verifyCommand, ['verify', 'a.yaml'])).base).toBeUndefined();
    expect(await optionsFor(verifyCommand, ['verify', '--all', '--base', 'origin/main'])).toMatchObject({ all: true, base: 'origin/main' });
    expectTypeOf((await optionsFor(verifyCommand, ['verify'])).base).toEqualTypeOf<string | undefined>();
  });

  it('reads --review, which takes the rules from the base', async () => {
    expect((await optionsFor(verifyCommand, ['verify', '--all'])).review).toBeUndefined();
    expect(await optionsFor(verifyCommand, ['verify', '--all', '--base', 'main', '--review'])).toMatchObject({ all: true, base: 'main', review: true });
  });

  it('refuses unknown options', async () => {
    await expectUsageError(['verify', '--bogus'], 'unknown option --bogus for verify: gitseal verify --help lists them');
  });
});
