import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { policyCheckCommand } from './policy-check.command.js';

describe('gitseal policy check', () => {
  it('checks a rewrap unless told another operation', async () => {
    const opts = await optionsFor(policyCheckCommand, ['policy', 'check', 'dev:alice', 'payments/db', '--policy', 'p.yaml']);
    expect(opts).toMatchObject({ subject: 'dev:alice', scope: 'payments/db', policy: 'p.yaml', operation: 'rewrap' });
    expectTypeOf(opts.operation).toEqualTypeOf<'rewrap' | 'write' | 'keys.rotate' | 'keys.revoke' | 'keys.destroy'>();
    expect(await optionsFor(policyCheckCommand, ['policy', 'check', 'a', 'b', '--policy', 'p', '--operation', 'keys.destroy', '--json'])).toMatchObject({ operation: 'keys.destroy', json: true });
    expect(await optionsFor(policyCheckCommand, ['policy', 'check', 'a', 'b', '--policy', 'p', '--operation', 'write'])).toMatchObject({ operation: 'write' });
  });

  it('needs --policy and a known operation', async () => {
    await expectUsageError(['policy', 'check', 'a', 'b'], 'Missing required argument: policy');
    await expectUsageError(['policy', 'check', 'a', 'b', '--policy', 'p', '--operation', 'nope'], /^Invalid values:\n {2}Argument: operation, Given: "nope"/);
  });
});
