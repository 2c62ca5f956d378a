import { describe, expect, expectTypeOf, it } from 'vitest';
import { afterDoubleDash } from '../double-dash.js';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { diffCommand } from './diff.command.js';

describe('gitseal diff', () => {
  it('takes two files', async () => {
    const opts = await optionsFor(diffCommand, ['diff', 'a.yaml', 'b.yaml']);
    expect(opts.args).toEqual(['a.yaml', 'b.yaml']);
    expect([opts.git, opts.json, opts.showValues, opts.withoutKey]).toEqual([undefined, undefined, undefined, undefined]);
    expectTypeOf(opts.git).toEqualTypeOf<string | undefined>();
  });

  it('--git BASE [HEAD] with paths after --', async () => {
    const opts = await optionsFor(diffCommand, ['diff', '--git', 'main', 'HEAD', '--json', '--show-values', '--', 'deploy/a.yaml']);
    expect(opts).toMatchObject({ git: 'main', args: ['HEAD'], json: true, showValues: true });
    expect(afterDoubleDash(opts)).toEqual(['deploy/a.yaml']);
  });

  it('parses --show-values with --without-key (the command refuses the pair) and refuses unknown options', async () => {
    expect(await optionsFor(diffCommand, ['diff', '--show-values', '--without-key'])).toMatchObject({ showValues: true, withoutKey: true });
    await expectUsageError(['diff', 'a', 'b', '--color'], 'unknown option --color for diff: gitseal diff --help lists them');
  });
});
