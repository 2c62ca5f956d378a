import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { exportSopsCommand } from './export-sops.command.js';

describe('gitseal export sops', () => {
  it('takes the file, repeated --age and -o', async () => {
    const opts = await optionsFor(exportSopsCommand, ['export', 'sops', 's.yaml', '--age', 'age1a', '--age', 'age1b', '-o', 's.sops.yaml']);
    expect(opts).toMatchObject({ file: 's.yaml', age: ['age1a', 'age1b'], output: 's.sops.yaml' });
    expectTypeOf(opts.age).toEqualTypeOf<string[] | undefined>();
  });

  it('has no -i, and needs the file', async () => {
    await expectUsageError(['export', 'sops', 's.yaml', '-i'], 'unknown option -i for export sops: gitseal export sops --help lists them');
    await expectUsageError(['export', 'sops'], 'Not enough non-option arguments: got 0, need at least 1');
  });
});
