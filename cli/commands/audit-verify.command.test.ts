import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { auditVerifyCommand } from './audit-verify.command.js';

describe('gitseal audit verify', () => {
  it('takes the log, --expect-head and --json', async () => {
    const head = 'ab'.repeat(32);
    const opts = await optionsFor(auditVerifyCommand, ['audit', 'verify', 'audit.log', '--expect-head', head, '--json']);
    expect(opts).toMatchObject({ log: 'audit.log', expectHead: head, json: true });
    expectTypeOf(opts.expectHead).toEqualTypeOf<string | undefined>();
  });

  it('needs the log', async () => {
    await expectUsageError(['audit', 'verify'], 'Not enough non-option arguments: got 0, need at least 1');
  });
});
