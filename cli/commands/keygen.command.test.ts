import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { keygenCommand } from './keygen.command.js';

describe('gitseal keygen', () => {
  it('defaults to the hybrid algorithm and the default keystore', async () => {
    const opts = await optionsFor(keygenCommand, ['keygen']);
    expect(opts.alg).toBe('mlkem1024-x25519');
    expect(opts.output).toBeUndefined();
    expect(opts.force).toBeUndefined();
    expect(opts.signingKey).toBeUndefined();
    expectTypeOf(opts.alg).toEqualTypeOf<'mlkem1024-x25519' | 'mlkem1024'>();
  });

  it('reads every option, short and long', async () => {
    const opts = await optionsFor(keygenCommand, ['keygen', '-o', 'k.yaml', '--passphrase', '--alg', 'mlkem1024', '--force']);
    expect(opts).toMatchObject({ output: 'k.yaml', passphrase: true, alg: 'mlkem1024', force: true });
    expect((await optionsFor(keygenCommand, ['keygen', '--signing-key', '--output', 's.pem'])).signingKey).toBe(true);
  });

  it('refuses an unknown algorithm and stray arguments', async () => {
    await expectUsageError(['keygen', '--alg', 'rsa'], 'Invalid values:\n  Argument: alg, Given: "rsa", Choices: "mlkem1024-x25519", "mlkem1024"');
    await expectUsageError(['keygen', 'extra'], 'unexpected argument extra for keygen (gitseal keygen)');
  });
});
