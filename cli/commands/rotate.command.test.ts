import { describe, expect, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { rotateCommand } from './rotate.command.js';

describe('gitseal rotate', () => {
  it('takes files and --key; recipients come from .gitseal.yaml only', async () => {
    expect(await optionsFor(rotateCommand, ['rotate', 'a.yaml', 'b.yaml', '--key', 'k.yaml'])).toMatchObject({ files: ['a.yaml', 'b.yaml'], key: 'k.yaml' });
    await expectUsageError(['rotate', 'a.yaml', '-r', 'x'], 'Unknown argument: r');
  });

  it('needs a file', async () => {
    await expectUsageError(['rotate'], 'Not enough non-option arguments: got 0, need at least 1');
  });
});
