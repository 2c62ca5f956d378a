/**
 * The unauthenticated GET routes: /healthz, /readyz, /v1/keys (public parts
 * only, and the service's writer key), /v1/recipient (the active org key's
 * public recipient, what `gitseal recipient` prints for files to be
 * encrypted to), /v1/audit/head (the latest signed
 * checkpoint of the audit log, checkpoint.ts) and /metrics. The head is
 * public so that anyone may keep copies of it: it names a count and a hash,
 * never a caller, and reading it signs nothing.
 */
import type { Registry } from '../../runtime/metrics.js';
import type { AuditCheckpoint } from './checkpoint.js';
import { RewrapFault } from './rewrap-request.js';
import type { PublicWriterKey } from '../protocol/types.js';
import type { Keyring } from './keyring.js';
import type { RouteAnswer } from './route-answer.js';

export interface StatusRouteDeps {
  keyring: Pick<Keyring, 'state' | 'lastError' | 'keys'>;
  registry: Registry;
  isClosing: () => boolean;
  /** The service's own writer key, published so readers can trust it with `signsFor`. */
  writerKey?: PublicWriterKey | null;
  /** The latest signed checkpoint of the audit log. */
  auditHead?: () => AuditCheckpoint;
  /** Extra readiness checks (policy file loaded, audit writable): a reason when not ready. */
  notReady?: () => string | null;
}

export interface StatusRoutes {
  healthz(): RouteAnswer;
  readyz(): RouteAnswer;
  keys(): RouteAnswer;
  recipient(): RouteAnswer;
  auditHead(): RouteAnswer;
  metrics(): RouteAnswer;
}

const fault = (): never => {
  throw new RewrapFault('not_found', 404, 'this service keeps no audit checkpoints');
};

/** The active key is public whatever the root's state: encrypting to it needs no unsealed key. */
const noActiveKey = (): never => {
  throw new RewrapFault('unavailable', 503, 'the service has no active org key: run "gitseal keys rotate"');
};

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
    recipient: () => {
      const active = keyring.keys().find((k) => k.state === 'active') ?? noActiveKey();
      return { status: 200, body: { kid: active.kid, alg: active.alg, recipient: active.recipient } };
    },
    auditHead: () => (deps.auditHead ? { status: 200, body: { checkpoint: deps.auditHead() } } : fault()),
    metrics: () => ({ status: 200, metrics: deps.registry }),
  };
}
