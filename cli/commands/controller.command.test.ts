import { describe, expect, expectTypeOf, it } from 'vitest';
import { expectUsageError, optionsFor } from '../parse-for-tests.js';
import { controllerCommand } from './controller.command.js';

describe('gitseal controller', () => {
  it('defaults: the gitseal lease, metrics on :8080, every namespace', async () => {
    const opts = await optionsFor(controllerCommand, ['controller']);
    expect(opts).toMatchObject({ leaseNamespace: 'gitseal', leaseName: 'gitseal-controller', metricsAddr: ':8080' });
    expect([opts.namespaces, opts.workers, opts.leaderElect, opts.kubeconfig, opts.trustedWriters, opts.requireSignatures]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expectTypeOf(opts.metricsAddr).toEqualTypeOf<string>();
    expectTypeOf(opts.workers).toEqualTypeOf<number | undefined>();
  });

  it('reads every option, as the example Deployment passes them', async () => {
    const opts = await optionsFor(controllerCommand, ['controller', '--leader-elect', '--lease-namespace', 'ops', '--metrics-addr', '127.0.0.1:0', '--namespaces', 'a,b', '--workers', '8', '--kubeconfig', 'kc']);
    expect(opts).toMatchObject({ leaderElect: true, leaseNamespace: 'ops', metricsAddr: '127.0.0.1:0', namespaces: 'a,b', workers: 8, kubeconfig: 'kc' });
  });

  it('reads the trusted writers and whether signatures are required', async () => {
    const opts = await optionsFor(controllerCommand, ['controller', '--trusted-writers', '/etc/gitseal/trust/trust.yaml', '--require-signatures']);
    expect(opts).toMatchObject({ trustedWriters: '/etc/gitseal/trust/trust.yaml', requireSignatures: true });
    expectTypeOf(opts.trustedWriters).toEqualTypeOf<string | undefined>();
    expectTypeOf(opts.requireSignatures).toEqualTypeOf<boolean | undefined>();
  });

  it('--require-signatures without writers to trust is a usage error, before anything starts', async () => {
    const { run } = await import('./controller.js');
    const saved = process.env.GITSEAL_TRUSTED_WRITERS;
    delete process.env.GITSEAL_TRUSTED_WRITERS;
    try {
      await expect(run(await optionsFor(controllerCommand, ['controller', '--require-signatures']))).rejects.toMatchObject({ code: 'E_USAGE' });
    } finally {
      if (saved !== undefined) process.env.GITSEAL_TRUSTED_WRITERS = saved;
    }
  });

  it('reads a listener of its own for the probes and a token file for /metrics', async () => {
    const opts = await optionsFor(controllerCommand, ['controller', '--metrics-addr', '127.0.0.1:8080', '--health-addr', ':8081', '--metrics-token-file', '/etc/gitseal/metrics/token']);
    expect(opts).toMatchObject({ metricsAddr: '127.0.0.1:8080', healthAddr: ':8081', metricsTokenFile: '/etc/gitseal/metrics/token' });
    expectTypeOf(opts.healthAddr).toEqualTypeOf<string | undefined>();
    expectTypeOf(opts.metricsTokenFile).toEqualTypeOf<string | undefined>();
  });

  it('a token file that cannot be read, or a bad --health-addr, is a usage error before anything starts', async () => {
    const { run } = await import('./controller.js');
    await expect(run(await optionsFor(controllerCommand, ['controller', '--metrics-token-file', '/nonexistent/gitseal-token']))).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(run(await optionsFor(controllerCommand, ['controller', '--health-addr', 'localhost']))).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('--health-addr') });
  });

  it('refuses unknown options', async () => {
    await expectUsageError(['controller', '--bogus'], 'unknown option --bogus for controller: gitseal controller --help lists them');
  });
});
