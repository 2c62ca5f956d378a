import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { keysCommand } from './keys.command.js';

describe('gitseal keys', () => {
  it('takes an action and, for revoke and destroy, a kid', async () => {
    const opts = await optionsFor(keysCommand, ['keys', 'revoke', 'kid-1']);
    expect(opts).toMatchObject({ action: 'revoke', kid: 'kid-1' });
    expectTypeOf(opts.action).toEqualTypeOf<'list' | 'rotate' | 'revoke' | 'destroy' | 'writer'>();
    expect(await optionsFor(keysCommand, ['keys', 'writer'])).toMatchObject({ action: 'writer' });
    const list = await optionsFor(keysCommand, ['keys', 'list', '--json']);
    expect(list).toMatchObject({ action: 'list', json: true });
    expect(list.kid).toBeUndefined();
  });

  it('refuses an unknown action, and no action', async () => {
    await expectUsageError(['keys', 'nope'], 'Invalid values:\n  Argument: action, Given: "nope", Choices: "list", "rotate", "revoke", "destroy", "writer"');
    await expectUsageError(['keys'], 'Not enough non-option arguments: got 0, need at least 1');
  });
});
