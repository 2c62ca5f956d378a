/** The rewrap service's metrics (GET /metrics, schemas/rewrap.openapi.yaml): requests by result, latency, key states, audit errors. */
import type { Keyring } from './keyring.js';
import { Counter, Gauge, Histogram, Registry } from '../../runtime/metrics.js';
import { KEY_STATES } from '../protocol/types.js';

export interface ServiceMetrics {
  registry: Registry;
  requests: Counter;
  items: Counter;
  latency: Histogram;
  authFailures: Counter;
  rateLimited: Counter;
  connectionsRefused: Counter;
  auditErrors: Counter;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const ROOT_STATES = ['ready', 'root_revoked', 'root_unavailable', 'starting'] as const;

export function serviceMetrics(keyring: () => Keyring | undefined): ServiceMetrics {
  const registry = new Registry();
  const m: ServiceMetrics = {
    registry,
    requests: registry.add(new Counter('gitseal_requests_total', 'HTTP requests by route and status code')),
    items: registry.add(new Counter('gitseal_rewrap_items_total', 'Rewrap items by result (ok or a wire error code)')),
    latency: registry.add(new Histogram('gitseal_request_duration_seconds', 'Request latency by route', LATENCY_BUCKETS)),
    authFailures: registry.add(new Counter('gitseal_auth_failures_total', 'Refused credentials by reason')),
    rateLimited: registry.add(new Counter('gitseal_rate_limited_total', 'Requests refused by the per-subject rate limit')),
    connectionsRefused: registry.add(
      new Counter('gitseal_connections_refused_total', 'Connections closed before the TLS handshake: their address is past its failed-authentication budget'),
    ),
    auditErrors: registry.add(new Counter('gitseal_audit_errors_total', 'Audit writes that failed (the request was refused)')),
  };
  registry.add(
    new Gauge('gitseal_org_keys', 'Org keys by lifecycle state', function* () {
      const keys = keyring()?.keys() ?? [];
      for (const state of KEY_STATES) yield [{ state }, keys.filter((k) => k.state === state).length];
    }),
  );
  registry.add(
    new Gauge('gitseal_root_state', 'Root of trust state (1 for the current one)', function* () {
      const now = keyring()?.state ?? 'starting';
      for (const state of ROOT_STATES) yield [{ state }, state === now ? 1 : 0];
    }),
  );
  return m;
}
