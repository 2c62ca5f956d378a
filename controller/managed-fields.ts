/**
 * What the controller reads of a Secret's managedFields. Every write is a
 * server-side apply by FIELD_MANAGER, so that what Git removes the API server
 * removes too. Two things need the entries:
 * - a label or annotation the controller applied before and Git no longer
 *   has: the live Secret still carries it, so "live has everything desired"
 *   is not enough to skip a write;
 * - Secrets an earlier version created with a POST: their fields belong to a
 *   `FIELD_MANAGER`/`Update` entry, which later applies do not prune. The
 *   entry is folded into the Apply entry (as client-go's csaupgrade does), so
 *   the next apply owns and prunes those fields.
 */
export const FIELD_MANAGER = 'gitseal';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string | Date;
  fieldsType?: string;
  fieldsV1?: object;
  subresource?: string;
}

type FieldSet = { [k: string]: FieldSet };

const isSet = (v: unknown): v is FieldSet => typeof v === 'object' && v !== null && !Array.isArray(v);
const ours = (e: ManagedFieldsEntry, operation: 'Apply' | 'Update'): boolean => e.manager === FIELD_MANAGER && e.operation === operation && !e.subresource;

/** True when an earlier version's create left an Update entry that later applies cannot prune. */
export const hasLegacyEntry = (entries: readonly ManagedFieldsEntry[] | undefined): boolean => (entries ?? []).some((e) => ours(e, 'Update'));

/** Keys under metadata.labels / metadata.annotations that the controller's Apply entry owns. */
export function appliedMetadataKeys(entries: readonly ManagedFieldsEntry[] | undefined, field: 'labels' | 'annotations'): string[] {
  const applied = (entries ?? []).find((e) => ours(e, 'Apply'))?.fieldsV1;
  const meta = isSet(applied) ? applied['f:metadata'] : undefined;
  const set = isSet(meta) ? meta[`f:${field}`] : undefined;
  return isSet(set) ? Object.keys(set).filter((k) => k.startsWith('f:')).map((k) => k.slice(2)) : [];
}

function union(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isSet(out[k]) && isSet(v) ? union(out[k], v) : v;
  return out;
}

/**
 * The managedFields list with the controller's Update entry folded into its
 * Apply entry; null when there is no Update entry of its own.
 */
export function foldLegacyEntry(entries: readonly ManagedFieldsEntry[]): ManagedFieldsEntry[] | null {
  const update = entries.find((e) => ours(e, 'Update'));
  if (!update) return null;
  const apply = entries.find((e) => ours(e, 'Apply'));
  const fields = union(isSet(apply?.fieldsV1) ? apply.fieldsV1 : {}, isSet(update.fieldsV1) ? update.fieldsV1 : {});
  const merged: ManagedFieldsEntry = { ...(apply ?? update), operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: fields };
  return [...entries.filter((e) => e !== update && e !== apply), merged];
}
