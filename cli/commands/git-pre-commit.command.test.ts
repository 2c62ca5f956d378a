import { describe, expect, it } from 'vitest';
import { expectUsageError, parse } from '../parse-for-tests.js';
import { gitPreCommitCommand } from './git-pre-commit.command.js';

describe('gitseal git pre-commit', () => {
  it('runs with no options', async () => {
    expect((await parse(['git', 'pre-commit'])).invocation?.command).toBe(gitPreCommitCommand);
  });

  it('refuses options', async () => {
    await expectUsageError(['git', 'pre-commit', '--key', 'k'], 'unknown option --key for git pre-commit: gitseal git pre-commit --help lists them');
  });
});
