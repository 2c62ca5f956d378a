import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor, parse } from '../parse-for-tests.js';
import { gitMergeCommand } from './git-merge.command.js';

describe('gitseal git merge', () => {
  it('takes %O %A %B %P as strings', async () => {
    const opts = await optionsFor(gitMergeCommand, ['git', 'merge', '.merge_file_a', '.merge_file_b', '.merge_file_c', 'deploy/s.yaml']);
    expect(opts).toMatchObject({ base: '.merge_file_a', ours: '.merge_file_b', theirs: '.merge_file_c', path: 'deploy/s.yaml' });
    expect(opts.key).toBeUndefined();
    expectTypeOf(opts.path).toEqualTypeOf<string | undefined>();
  });

  it('keeps names that look like numbers as names; PATH is optional', async () => {
    const opts = await optionsFor(gitMergeCommand, ['git', 'merge', '1', '2', '3']);
    expect(opts).toMatchObject({ base: '1', ours: '2', theirs: '3' });
    expect(opts.path).toBeUndefined();
  });

  it('lists only --key in its help, as before the options were typed', async () => {
    const { output } = await parse(['git', 'merge', '--help']);
    expect(output).toContain('--key');
    expect(output).not.toContain('Positionals:');
  });

  it('needs three files', async () => {
    await expectUsageError(['git', 'merge', 'a', 'b'], 'Not enough non-option arguments: got 2, need at least 3');
  });
});
