/**
 * What the informer caches keep of each object: only what deciding to
 * reconcile needs, so memory stays flat per object at cluster scale.
 * - EncryptedSecrets: name, namespace, uid, resourceVersion, generation,
 *   deletionTimestamp and the Ready condition; the reconciler gets the whole
 *   object from its latest watch event or from the API server.
 * - Secrets: metadata without managedFields other than the little gitseal
 *   reads of its own entries, and a digest of the data instead of the data.
 * Each slim object is a new one of a fixed shape (V8 shares one hidden class
 * among them all); the objects the API server sent are dropped at once:
 * SlimmingWatch slims watch events before the informer stores them, and
 * pagedList slims each page of the first list.
 */
import { createHash } from 'node:crypto';
import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { SecretObject } from './desired-secret.js';
import type { Condition, EncryptedSecretObject, ObjectMeta } from './encrypted-secret.js';
import { FIELD_MANAGER, type ManagedFieldsEntry } from './managed-fields.js';

/** SHA-256 of a Secret's data, independent of key order. */
export function dataDigest(data: Record<string, string> | undefined): string {
  const h = createHash('sha256');
  for (const k of Object.keys(data ?? {}).sort()) h.update(`${k.length}:${k}=${data![k]!.length}:${data![k]}\n`);
  return h.digest('base64url');
}

export function slimEncryptedSecret(o: EncryptedSecretObject): EncryptedSecretObject {
  const m = o.metadata;
  const ready = o.status?.conditions?.find((c) => c.type === 'Ready');
  const metadata: ObjectMeta = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, generation: m.generation, deletionTimestamp: m.deletionTimestamp };
  const slim: EncryptedSecretObject = { apiVersion: o.apiVersion, kind: o.kind, metadata };
  if (ready) slim.status = { conditions: [{ type: 'Ready', status: ready.status } as Condition] };
  return slim;
}

type FieldSet = { [k: string]: FieldSet };
const isSet = (v: unknown): v is FieldSet => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * gitseal's own managedFields entries reduced to what managed-fields.ts reads:
 * which labels and annotations its Apply entry owns, and whether an Update
 * entry of its own is there (taking that over reads the live Secret again).
 */
function ownEntriesSlim(entries: readonly ManagedFieldsEntry[] | undefined): ManagedFieldsEntry[] | undefined {
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries ?? []) {
    if (e.manager !== FIELD_MANAGER) continue;
    const entry: ManagedFieldsEntry = { manager: e.manager, operation: e.operation };
    if (e.subresource) entry.subresource = e.subresource;
    if (e.operation === 'Apply' && isSet(e.fieldsV1) && isSet(e.fieldsV1['f:metadata'])) {
      const meta = e.fieldsV1['f:metadata'];
      const kept: FieldSet = {};
      for (const f of ['f:labels', 'f:annotations']) if (isSet(meta[f])) kept[f] = meta[f];
      entry.fieldsV1 = { 'f:metadata': kept };
    }
    out.push(entry);
  }
  return out.length ? out : undefined;
}

export function slimSecret(o: SecretObject): SecretObject {
  const m = o.metadata;
  const owner = m.ownerReferences?.find((r) => r.controller === true);
  const metadata: SecretObject['metadata'] = {
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    resourceVersion: m.resourceVersion,
    labels: m.labels,
    annotations: m.annotations,
    ownerReferences: owner ? [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true }] : undefined,
    managedFields: ownEntriesSlim(m.managedFields),
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type: o.type,
    dataDigest: o.data !== undefined || o.dataDigest === undefined ? dataDigest(o.data) : o.dataDigest,
    immutable: o.immutable,
  };
}

type WatchCallback = Parameters<Watch['watch']>[2];

/**
 * A Watch whose ADDED, MODIFIED and DELETED objects are slimmed before the
 * informer stores them; `onWhole` sees each whole object first. Errors,
 * bookmarks and Status objects pass unchanged.
 */
export class SlimmingWatch<T extends KubernetesObject> extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly slim: (o: T) => T,
    private readonly onWhole?: (o: T) => void,
  ) {
    super(kc);
  }

  override watch(path: string, query: Parameters<Watch['watch']>[1], callback: WatchCallback, done: Parameters<Watch['watch']>[3]): Promise<AbortController> {
    return super.watch(
      path,
      query,
      (phase: string, obj: T, raw?: unknown) => {
        if ((phase !== 'ADDED' && phase !== 'MODIFIED' && phase !== 'DELETED') || !obj?.metadata?.name) return callback(phase, obj, raw);
        this.onWhole?.(obj);
        callback(phase, this.slim(obj), raw);
      },
      done,
    );
  }
}

interface Page<T> {
  items: T[];
  // Typed lists (Secrets) name the token `_continue`; custom-object lists come as raw JSON with `continue`.
  metadata?: { resourceVersion?: string; _continue?: string; continue?: string };
}

/**
 * A list in pages of `limit`, each slimmed before the next is fetched, so the
 * initial list never holds every full object at once. The resourceVersion of
 * the last page is the list's (a paginated list is one consistent snapshot).
 */
export async function pagedList<T>(fetchPage: (cont: string | undefined, limit: number) => Promise<Page<T>>, slim: (o: T) => T, limit = 500): Promise<Page<T>> {
  const items: T[] = [];
  let cont: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const page = await fetchPage(cont, limit);
    for (const item of page.items) items.push(slim(item));
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    cont = page.metadata?._continue || page.metadata?.continue || undefined;
  } while (cont);
  return { items, metadata: { ...(resourceVersion ? { resourceVersion } : {}) } };
}
