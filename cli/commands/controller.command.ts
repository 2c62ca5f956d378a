import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';

const builder = (y: Argv) =>
  y
    .option('kubeconfig', { type: 'string', describe: 'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)' })
    .option('namespaces', { type: 'string', describe: 'comma-separated namespaces to watch (default: all)' })
    .option('workers', { type: 'number', describe: 'concurrent reconciles (default 64; they mostly wait on the API and the rewrap service)' })
    .option('leader-elect', { type: 'boolean', describe: 'elect one writing replica through a Lease' })
    .option('lease-namespace', { type: 'string', default: 'gitseal' })
    .option('lease-name', { type: 'string', default: 'gitseal-controller' })
    .option('metrics-addr', { type: 'string', default: ':8080', describe: 'HOST:PORT of /metrics, and of /healthz and /readyz without --health-addr ("" for none)' })
    .option('health-addr', { type: 'string', describe: 'HOST:PORT of /healthz and /readyz on a listener of their own, so --metrics-addr may be 127.0.0.1:PORT (or "")' })
    .option('metrics-token-file', { type: 'string', describe: 'file holding the bearer token /metrics requires (read for each scrape, so a mounted Secret can rotate)' })
    .option('trusted-writers', {
      type: 'string',
      describe: 'trust file naming the writers whose documents are trusted (requireSignatures, writers); read again when it changes (default: $GITSEAL_TRUSTED_WRITERS; none: signatures are not checked)',
    })
    .option('require-signatures', { type: 'boolean', describe: "refuse documents no trusted writer signed, whatever the trust file says (needs --trusted-writers)" });

export type ControllerOptions = OptionsOf<typeof builder>;

export const controllerCommand = defineCommand({
  command: 'controller',
  describe: 'run the Kubernetes controller: EncryptedSecret → Secret (keys from GITSEAL_SERVER)',
  builder,
  load: () => import('./controller.js'),
});
