/** The unauthenticated GET routes: /healthz, /readyz, /v1/keys (public parts only, and the service's writer key) and /metrics. */
import type { Registry } from '../../runtime/metrics.js';
import type { PublicWriterKey } from '../protocol/types.js';
import type { Keyring } from './keyring.js';
import type { RouteAnswer } from './route-answer.js';

export interface StatusRouteDeps {
  keyring: Pick<Keyring, 'state' | 'lastError' | 'keys'>;
  registry: Registry;
  isClosing: () => boolean;
  /** The service's own writer key, published so readers can trust it with `signsFor`. */
  writerKey?: PublicWriterKey | null;
  /** Extra readiness checks (policy file loaded, audit writable): a reason when not ready. */
  notReady?: () => string | null;
}

export interface StatusRoutes {
  healthz(): RouteAnswer;
  readyz(): RouteAnswer;
  keys(): RouteAnswer;
  metrics(): RouteAnswer;
}

export function statusRoutes(deps: StatusRouteDeps): StatusRoutes {
  const { keyring } = deps;
  const notReadyReason = (): string | null =>
    deps.isClosing() ? 'shutting down' : keyring.state !== 'ready' ? `${keyring.state}: ${keyring.lastError ?? ''}`.trim() : deps.notReady?.() ?? null;
  return {
    healthz: () => ({ status: 200, body: { ok: true } }),
    readyz: () => {
      const why = notReadyReason();
      return { status: why ? 503 : 200, body: why ? { ok: false, reason: why } : { ok: true } };
    },
    keys: () => ({ status: 200, body: { keys: keyring.keys(), ...(deps.writerKey ? { writer: deps.writerKey } : {}) } }),
    metrics: () => ({ status: 200, metrics: deps.registry }),
  };
}
