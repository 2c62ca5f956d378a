import { describe, expect, it } from 'vitest';
import { expectUsageError, parse } from '../parse-for-tests.js';
import { gitSetupCommand } from './git-setup.command.js';

describe('gitseal git setup', () => {
  it('runs with no options', async () => {
    expect((await parse(['git', 'setup'])).invocation?.command).toBe(gitSetupCommand);
  });

  it('takes no arguments', async () => {
    await expectUsageError(['git', 'setup', 'extra'], 'unexpected argument extra for git setup (gitseal git setup)');
  });
});
