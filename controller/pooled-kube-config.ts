/**
 * A KubeConfig whose requests share one connection pool.
 *
 * client-node 2.0.1 builds a new undici Agent for every request whenever the
 * kubeconfig carries TLS options (a CA, a client certificate, or
 * insecure-skip-tls-verify, which every in-cluster config has), so every read,
 * apply and status patch opened a new connection and did a TLS handshake.
 * Here the Agent is kept and reused for as long as the TLS material it was
 * built from stays the same; when a file it came from changes (a rotated
 * client certificate or CA), the next request gets a new Agent and the old
 * one closes once its requests are done.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KubeConfig, type Cluster, type RequestContext, type User } from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

function fileOrEmpty(path: string | undefined): string {
  if (!path) return '';
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/** A digest of everything the Agent's connections depend on: server, proxy, TLS settings and the material itself. */
export function tlsIdentity(cluster: Cluster | null, user: User | null): string {
  const h = createHash('sha256');
  const parts = [
    cluster?.server, cluster?.proxyUrl, String(cluster?.skipTLSVerify ?? ''), cluster?.tlsServerName,
    cluster?.caData, fileOrEmpty(cluster?.caFile),
    user?.certData, fileOrEmpty(user?.certFile), user?.keyData, fileOrEmpty(user?.keyFile),
  ];
  for (const p of parts) h.update(p ?? '').update('\0');
  return h.digest('hex');
}

export class PooledKubeConfig extends KubeConfig {
  private pooled: { identity: string; dispatcher: Dispatcher } | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    const identity = tlsIdentity(this.getCurrentCluster(), this.getCurrentUser());
    if (this.pooled?.identity !== identity) {
      const old = this.pooled?.dispatcher;
      this.pooled = { identity, dispatcher: fresh };
      // close() lets requests in flight finish; a watch on it ends and its informer restarts on the new Agent.
      if (old) void old.close().catch(() => undefined);
      return;
    }
    void fresh.close().catch(() => undefined);
    context.setDispatcher(this.pooled.dispatcher);
  }

  /** Closes the shared pool (at shutdown). */
  async closePool(): Promise<void> {
    const d = this.pooled?.dispatcher;
    this.pooled = undefined;
    if (d) await d.close().catch(() => undefined);
  }
}
