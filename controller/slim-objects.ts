/**
 * What the informer caches keep of each object: only what deciding to
 * reconcile needs, so memory stays flat per object at cluster scale.
 * - EncryptedSecrets: metadata and status, without the spec (the sealed
 *   values, ~2 KB per recipient) or managedFields; the reconciler reads the
 *   full object when it works on it.
 * - Secrets: metadata with only gitseal's own managedFields entries, and a
 *   digest of the data instead of the data.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ownEntries, type ManagedFieldsEntry } from './managed-fields.js';

/** SHA-256 of a Secret's data, independent of key order. */
export function dataDigest(data: Record<string, string> | undefined): string {
  const h = createHash('sha256');
  for (const k of Object.keys(data ?? {}).sort()) h.update(`${k.length}:${k}=${data![k]!.length}:${data![k]}\n`);
  return h.digest('base64url');
}

export function slimEncryptedSecret<T extends KubernetesObject>(o: T): T {
  delete (o as { spec?: unknown }).spec;
  if (o.metadata) delete o.metadata.managedFields;
  return o;
}

export function slimSecret<T extends KubernetesObject>(o: T): T {
  const s = o as T & { data?: Record<string, string>; dataDigest?: string };
  if (s.data !== undefined || s.dataDigest === undefined) s.dataDigest = dataDigest(s.data);
  delete s.data;
  if (o.metadata) {
    const own = ownEntries(o.metadata.managedFields as ManagedFieldsEntry[] | undefined);
    if (own.length) o.metadata.managedFields = own as never;
    else delete o.metadata.managedFields;
  }
  return o;
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
export async function pagedList<T extends KubernetesObject>(fetchPage: (cont: string | undefined, limit: number) => Promise<Page<T>>, slim: (o: T) => T, limit = 500): Promise<Page<T>> {
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
