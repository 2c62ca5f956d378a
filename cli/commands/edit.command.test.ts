import { describe, expect, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { editCommand } from './edit.command.js';

describe('gitseal edit', () => {
  it('reads the file and --key', async () => {
    expect(await optionsFor(editCommand, ['edit', 's.yaml', '--key', 'k.yaml'])).toMatchObject({ file: 's.yaml', key: 'k.yaml' });
  });

  it('has no output options and needs a file', async () => {
    await expectUsageError(['edit', 's.yaml', '-i'], 'unknown option -i for edit: gitseal edit --help lists them');
    await expectUsageError(['edit'], 'Not enough non-option arguments: got 0, need at least 1');
  });
});
