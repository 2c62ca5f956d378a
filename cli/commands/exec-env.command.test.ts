import { describe, expect, it } from 'vitest';
import { afterDoubleDash } from '../double-dash.js';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { execEnvCommand } from './exec-env.command.js';

describe('gitseal exec-env', () => {
  it('takes the command after the file', async () => {
    const opts = await optionsFor(execEnvCommand, ['exec-env', 's.yaml', 'printenv', 'HOME']);
    expect(opts).toMatchObject({ file: 's.yaml', cmd: ['printenv', 'HOME'] });
    expect(afterDoubleDash(opts)).toEqual([]);
  });

  it('keeps what follows -- apart, options included', async () => {
    const opts = await optionsFor(execEnvCommand, ['exec-env', 's.yaml', '--key', 'k.yaml', '--', 'env', '-i', '--key']);
    expect(opts).toMatchObject({ file: 's.yaml', key: 'k.yaml' });
    expect(opts.cmd ?? []).toEqual([]);
    expect(afterDoubleDash(opts)).toEqual(['env', '-i', '--key']);
  });

  it('needs the file', async () => {
    await expectUsageError(['exec-env'], 'Not enough non-option arguments: got 0, need at least 1');
  });
});
