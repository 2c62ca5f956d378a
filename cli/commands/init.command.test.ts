import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { initCommand } from './init.command.js';

describe('gitseal init', () => {
  it('scope defaults to strict; no recipient means the keystore', async () => {
    const opts = await optionsFor(initCommand, ['init']);
    expect(opts.scope).toBe('strict');
    expect(opts.recipient).toBeUndefined();
    expect(opts.key).toBeUndefined();
    expectTypeOf(opts.scope).toEqualTypeOf<'strict' | 'namespace' | 'cluster'>();
    expectTypeOf(opts.recipient).toEqualTypeOf<string[] | undefined>();
  });

  it('-r repeats, one recipient each', async () => {
    const opts = await optionsFor(initCommand, ['init', '-r', 'age1a', '--recipient', 'age1b', '--scope', 'cluster', '--key', 'k.yaml', '--force']);
    expect(opts).toMatchObject({ recipient: ['age1a', 'age1b'], scope: 'cluster', key: 'k.yaml', force: true });
  });

  it('takes one value per -r, and only known scopes', async () => {
    await expectUsageError(['init', '-r', 'age1a', 'age1b'], 'unexpected argument age1b for init (gitseal init)');
    await expectUsageError(['init', '--scope', 'wide'], 'Invalid values:\n  Argument: scope, Given: "wide", Choices: "strict", "namespace", "cluster"');
  });
});
