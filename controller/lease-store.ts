/**
 * The Lease that leader election holds, over client-node 2.x: the only part
 * of it that talks to the API server. client-node reads the MicroTime fields
 * back as strings and writes a plain Date with milliseconds, which the API
 * server refuses; this converts both ways.
 */
import { ApiException, V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';

export type Lease = V1Lease;

/** The lease changed since it was read (HTTP 409), or was created by someone else first. */
export class LeaseConflict extends Error {
  override readonly name = 'LeaseConflict';
}

/** The only part of leader election that talks to the API server. */
export interface LeaseStore {
  /** Returns null when the Lease does not exist. */
  get(): Promise<Lease | null>;
  /** Throws LeaseConflict when the Lease already exists. */
  create(lease: Lease): Promise<Lease>;
  /** Writes only if metadata.resourceVersion is current; throws LeaseConflict otherwise. */
  replace(lease: Lease): Promise<Lease>;
}

/** A LeaseStore over the `namespace/name` Lease of client-node 2.x. */
export function leaseStoreFor(api: CoordinationV1Api, namespace: string, name: string): LeaseStore {
  const conflict = (err: unknown): never => {
    if (err instanceof ApiException && err.code === 409) {
      throw new LeaseConflict(`Lease ${namespace}/${name} was changed by another candidate`, { cause: err });
    }
    throw err;
  };
  return {
    async get() {
      try {
        return fromApi(await api.readNamespacedLease({ name, namespace }));
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return null;
        throw err;
      }
    },
    create: (lease) => api.createNamespacedLease({ namespace, body: toApi(lease, namespace, name) }).then(fromApi, conflict),
    replace: (lease) => api.replaceNamespacedLease({ name, namespace, body: toApi(lease, namespace, name) }).then(fromApi, conflict),
  };
}

function toApi(lease: Lease, namespace: string, name: string): V1Lease {
  const spec = lease.spec ?? {};
  return {
    ...lease,
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { ...lease.metadata, name, namespace },
    spec: { ...spec, acquireTime: microTime(spec.acquireTime), renewTime: microTime(spec.renewTime) },
  };
}

function fromApi(lease: V1Lease): Lease {
  if (lease.spec !== undefined) {
    lease.spec.acquireTime = microTime(lease.spec.acquireTime);
    lease.spec.renewTime = microTime(lease.spec.renewTime);
  }
  return lease;
}

/**
 * client-node 2.x types MicroTime fields as V1MicroTime but reads them back
 * as plain strings, and serializes a plain Date with milliseconds, which the
 * API server's RFC 3339 micro parser rejects; only V1MicroTime writes six digits.
 */
export function microTime(value: Date | string | undefined): V1MicroTime | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : new V1MicroTime(ms);
}
