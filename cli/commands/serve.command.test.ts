import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { serveCommand } from './serve.command.js';

describe('gitseal serve', () => {
  it('reads --config, and --port as a number', async () => {
    const opts = await optionsFor(serveCommand, ['serve', '--config', 'svc.yaml', '--port', '9443']);
    expect(opts).toMatchObject({ config: 'svc.yaml', port: 9443 });
    expect(opts.dev).toBeUndefined();
    expectTypeOf(opts.port).toEqualTypeOf<number | undefined>();
  });

  it('--dev takes an optional folder', async () => {
    expect((await optionsFor(serveCommand, ['serve', '--dev'])).dev).toBe('');
    expect((await optionsFor(serveCommand, ['serve', '--dev', 'here'])).dev).toBe('here');
  });

  it('refuses --config with --dev', async () => {
    await expectUsageError(['serve', '--config', 'a', '--dev', 'b'], 'Arguments config and dev are mutually exclusive');
  });
});
