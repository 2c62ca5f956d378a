import { describe, expect, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { gitTextconvCommand } from './git-textconv.command.js';

describe('gitseal git textconv', () => {
  it('takes the file git hands it, and --key', async () => {
    expect(await optionsFor(gitTextconvCommand, ['git', 'textconv', '/tmp/XyZ_s.yaml', '--key', 'k.yaml'])).toMatchObject({ file: '/tmp/XyZ_s.yaml', key: 'k.yaml' });
  });

  it('needs the file', async () => {
    await expectUsageError(['git', 'textconv'], 'Not enough non-option arguments: got 0, need at least 1');
  });
});
