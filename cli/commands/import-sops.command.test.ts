import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { importSopsCommand } from './import-sops.command.js';

describe('gitseal import sops', () => {
  it('detects the format and takes the scope from .gitseal.yaml unless given', async () => {
    const opts = await optionsFor(importSopsCommand, ['import', 'sops', 's.yaml']);
    expect(opts.files).toEqual(['s.yaml']);
    expect([opts.inputType, opts.scope, opts.ageKey, opts.ignoreMac]).toEqual([undefined, undefined, undefined, undefined]);
    expectTypeOf(opts.inputType).toEqualTypeOf<'yaml' | 'json' | 'dotenv' | undefined>();
  });

  it('reads every option', async () => {
    const opts = await optionsFor(importSopsCommand, ['import', 'sops', 'a.env', '-o', 'a.yaml', '--input-type', 'dotenv', '--age-key', 'k1', '--age-key', 'k2', '--scope', 'cluster', '--ignore-mac']);
    expect(opts).toMatchObject({ output: 'a.yaml', inputType: 'dotenv', ageKey: ['k1', 'k2'], scope: 'cluster', ignoreMac: true });
  });

  it('refuses an unknown format, and -i with -o', async () => {
    await expectUsageError(['import', 'sops', 's', '--input-type', 'toml'], 'Invalid values:\n  Argument: input-type, Given: "toml", Choices: "yaml", "json", "dotenv"');
    await expectUsageError(['import', 'sops', 's', '-i', '-o', 'x'], 'Arguments in-place and output are mutually exclusive');
  });
});
