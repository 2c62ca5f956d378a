import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { importSealedSecretsCommand } from './import-sealed-secrets.command.js';

describe('gitseal import sealed-secrets', () => {
  it('takes files, repeated --key and -r, and -i', async () => {
    const opts = await optionsFor(importSealedSecretsCommand, ['import', 'sealed-secrets', 'a.yaml', 'b.yaml', '--key', 'old.pem', '--key', 'new.pem', '-r', 'x', '-i']);
    expect(opts).toMatchObject({ files: ['a.yaml', 'b.yaml'], key: ['old.pem', 'new.pem'], recipient: ['x'], inPlace: true });
    expectTypeOf(opts.key).toEqualTypeOf<string[]>();
  });

  it('needs --key, and refuses -i with -o', async () => {
    await expectUsageError(['import', 'sealed-secrets', 'a.yaml'], 'Missing required argument: key');
    await expectUsageError(['import', 'sealed-secrets', 'a.yaml', '--key', 'k', '-i', '-o', 'x'], 'Arguments in-place and output are mutually exclusive');
  });
});
