/**
 * `gitseal serve --config FILE` runs the rewrap service; `gitseal serve
 * --dev [DIR]` makes a local one (certificates, keys, policy) and says how
 * to point the CLI at it.
 */
import { resolve } from 'node:path';
import { fail } from '../../core/errors.js';
import { untilSignalled } from '../signals.js';
import type { ServeOptions } from './serve.command.js';

async function serveUntilSignalled(start: () => Promise<{ url: string; close(): Promise<void> }>): Promise<number> {
  // Listening before the start line is printed: a SIGTERM right after it must stop the service cleanly, not kill it.
  const signalled = untilSignalled();
  const running = await start();
  await signalled;
  await running.close();
  return 0;
}

export async function run(opts: ServeOptions): Promise<number> {
  const { startService } = await import('../../kms/service/serve.js');
  if (opts.dev !== undefined) {
    const { devSetup } = await import('../../kms/service/dev-setup.js');
    const dir = resolve(typeof opts.dev === 'string' && opts.dev !== '' ? opts.dev : '.gitseal-dev');
    const dev = await devSetup(dir, typeof opts.port === 'number' ? opts.port : 8443);
    Object.assign(process.env, dev.serviceEnv);
    return serveUntilSignalled(async () => {
      const s = await startService(dev.config, typeof opts.port === 'number' ? { port: opts.port } : {});
      const env = { ...dev.clientEnv, GITSEAL_SERVER: s.url };
      const recipients = s.keyring.keys().filter((k) => k.state === 'active').map((k) => k.recipient);
      process.stdout.write(
        [
          `gitseal rewrap service (development) on ${s.url}, files in ${dir}${dev.created ? ' (new)' : ''}`,
          'Point the CLI at it:',
          ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
          'Encrypt to its org key:',
          `  gitseal init -r ${recipients[0] ?? '<none>'}`,
          'Stop with Ctrl-C.',
          '',
        ].join('\n'),
      );
      return s;
    });
  }
  const { loadServiceConfig } = await import('../../kms/service/service-config.js');
  if (typeof opts.config !== 'string') fail('E_USAGE', 'name the configuration: gitseal serve --config FILE (or try gitseal serve --dev)');
  const config = loadServiceConfig(opts.config);
  if (config.bootstrap) {
    const [{ bootstrapCluster }, { CoreV1Api, KubeConfig }, { jsonLogger }] = await Promise.all([import('../../kms/service/cluster-bootstrap.js'), import('@kubernetes/client-node'), import('../../runtime/log.js')]);
    const kc = new KubeConfig();
    kc.loadFromDefault(); // in a pod: its service account; elsewhere KUBECONFIG
    Object.assign(process.env, await bootstrapCluster(config, config.bootstrap, kc.makeApiClient(CoreV1Api), jsonLogger()));
  }
  return serveUntilSignalled(async () => {
    const s = await startService(config, typeof opts.port === 'number' ? { port: opts.port } : {});
    process.stdout.write(`gitseal rewrap service on ${s.url} (root ${config.root.type}, keys ${s.keyring.state}, ML-KEM ${s.kemBackend})\n`);
    return s;
  });
}
