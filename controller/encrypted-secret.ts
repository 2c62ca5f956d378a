/**
 * An EncryptedSecret as the API server gives it, seen through the format:
 * the document the CR carries (only apiVersion, kind, name, namespace and
 * spec count; what the API server adds is ignored) and the rewrap item for
 * the org key the service holds.
 */
import { fromDisk, type EncryptedDocument } from '../core/format/encrypted-document.js';
import { fail } from '../core/errors.js';
import { rewrapItemFor } from '../kms/protocol/rewrap-item.js';
import type { RewrapItem } from '../kms/protocol/types.js';

export const GROUP = 'gitseal.dev';
export const VERSION = 'v1';
export const PLURAL = 'encryptedsecrets';
export const KIND = 'EncryptedSecret';
/**
 * Consent to adoption, set on the Secret itself by someone who may write it: its value names the EncryptedSecret
 * (same namespace) that may take the Secret over. An annotation on the CR cannot be consent: whoever may create
 * EncryptedSecrets in a namespace could then overwrite any Secret there (docs/ARCHITECTURE.md#the-controller).
 */
export const ADOPT_BY_ANNOTATION = 'gitseal.dev/adopt-by';
/** Put on every Secret the controller writes, so its informer watches only those. */
export const MANAGED_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_VALUE = 'gitseal';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string | Date;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface EncryptedSecretStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  secretName?: string;
  lastSyncTime?: string;
  /** The trusted writer of the document the Secret holds, `NAME (w-KID)`; absent when it was none. */
  writer?: string;
}

export interface EncryptedSecretObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: EncryptedSecretStatus;
}

export const keyOf = (o: { metadata: { namespace?: string; name: string } }): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * The format's document of a CR; throws the format's errors (E_FORMAT, E_VERSION, …) when the spec is not a sealed Secret.
 * A CR is one document of its file, so the file's chain (schemas/FORMAT.md §2: the first says `after: start`, the last
 * `last: true`) cannot be checked here; the MAC and the writer's signature still cover the document's place in it.
 */
export function documentOf(cr: EncryptedSecretObject): EncryptedDocument {
  const { apiVersion, kind, metadata, spec } = cr;
  const doc = fromDisk({ apiVersion, kind, metadata: { name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) }, spec }, 0);
  if (doc.mode !== 'secret') fail('E_FORMAT', 'the EncryptedSecret does not hold an encrypted Secret');
  return doc;
}

/** The rewrap item for the first envelope stanza whose kid the service holds, or null. */
export function rewrapItemOf(doc: EncryptedDocument, serviceKids: ReadonlySet<string>): RewrapItem | null {
  const stanza = doc.envelope.recipients.find((s) => serviceKids.has(s.kid));
  if (!stanza) return null;
  return rewrapItemFor(doc, stanza);
}
