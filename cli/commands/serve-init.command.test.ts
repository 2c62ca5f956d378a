import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { serveInitCommand } from './serve-init.command.js';

describe('gitseal serve init', () => {
  it('reads --config and --import', async () => {
    const opts = await optionsFor(serveInitCommand, ['serve', 'init', '--config', 'svc.yaml', '--import', 'keys.yaml']);
    expect(opts).toMatchObject({ config: 'svc.yaml', import: 'keys.yaml' });
    expectTypeOf(opts.config).toEqualTypeOf<string>();
  });

  it('needs --config', async () => {
    await expectUsageError(['serve', 'init'], 'Missing required argument: config');
  });
});
