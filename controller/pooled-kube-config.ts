/**
 * A KubeConfig whose requests share one connection pool.
 *
 * client-node 2.0.1 builds a new undici Agent for every request whenever the
 * kubeconfig carries TLS options (a CA, a client certificate, or
 * insecure-skip-tls-verify, which every in-cluster config has), so every read,
 * apply and status patch opened a new connection and did a TLS handshake.
 * Here the Agent is built once and reused for as long as the TLS material it
 * was built from stays the same; when it changes (a rotated client
 * certificate or CA file), the next request gets a new Agent and the old one
 * closes once its requests are done.
 */
import { createHash, type Hash } from 'node:crypto';
import { KubeConfig, type Cluster, type RequestContext } from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;
type AgentOptions = Record<string, unknown>;
type BuildDispatcher = (cluster: Cluster | null, agentOptions: AgentOptions) => Dispatcher | undefined;

/** The TLS settings client-node builds an Agent from (its private createDispatcher's input). */
const TLS_OPTIONS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

function hashValue(h: Hash, v: unknown): void {
  if (v instanceof Uint8Array) h.update(v);
  else if (Array.isArray(v)) for (const x of v) hashValue(h, x);
  else h.update(String(v));
  h.update('\0');
}

/** A digest of everything an Agent's connections depend on. */
export function dispatcherIdentity(cluster: Cluster | null, agentOptions: AgentOptions): string {
  const h = createHash('sha256');
  hashValue(h, cluster?.server);
  hashValue(h, cluster?.proxyUrl);
  for (const k of TLS_OPTIONS) hashValue(h, agentOptions[k]);
  return h.digest('hex');
}

export class PooledKubeConfig extends KubeConfig {
  #pooled: { identity: string; dispatcher: Dispatcher | undefined } | undefined;

  constructor() {
    super();
    // createDispatcher is private in client-node's types but an ordinary method: replacing it on the
    // instance is the one place every request (API calls and watches) gets its dispatcher from.
    const self = this as unknown as { createDispatcher?: BuildDispatcher };
    const build = self.createDispatcher;
    if (typeof build !== 'function') throw new Error('@kubernetes/client-node has no KubeConfig.createDispatcher any more: controller/pooled-kube-config.ts needs updating');
    self.createDispatcher = (cluster, agentOptions) => this.#shared(cluster, agentOptions, build.bind(this));
  }

  #shared(cluster: Cluster | null, agentOptions: AgentOptions, build: BuildDispatcher): Dispatcher | undefined {
    const identity = dispatcherIdentity(cluster, agentOptions);
    if (this.#pooled?.identity === identity) return this.#pooled.dispatcher;
    const old = this.#pooled?.dispatcher;
    this.#pooled = { identity, dispatcher: build(cluster, agentOptions) };
    // close() lets requests in flight finish; a watch on the old Agent ends and its informer restarts on the new one.
    if (old) void old.close().catch(() => undefined);
    return this.#pooled.dispatcher;
  }

  /** Closes the shared pool (at shutdown). */
  async closePool(): Promise<void> {
    const d = this.#pooled?.dispatcher;
    this.#pooled = undefined;
    if (d) await d.close().catch(() => undefined);
  }
}
