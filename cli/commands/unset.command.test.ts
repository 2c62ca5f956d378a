import { describe, expect, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { unsetCommand } from './unset.command.js';

describe('gitseal unset', () => {
  it('takes FILE PATH', async () => {
    expect(await optionsFor(unsetCommand, ['unset', 's.yaml', 'stringData.password', '--key', 'k.yaml'])).toMatchObject({ file: 's.yaml', path: 'stringData.password', key: 'k.yaml' });
  });

  it('needs the path', async () => {
    await expectUsageError(['unset', 's.yaml'], 'Not enough non-option arguments: got 1, need at least 2');
  });
});
