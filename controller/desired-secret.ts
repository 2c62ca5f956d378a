/**
 * The native Secret an EncryptedSecret stands for: the decrypted manifest's
 * type, labels, annotations, data (stringData folded in, as the API server
 * does) and immutability, owned by the CR. `sameSecret` decides whether the
 * live Secret already is it, so nothing is written when nothing changed.
 *
 * A Secret adopted with its owner's consent (ADOPT_BY_ANNOTATION) gets no
 * ownerReference at all: garbage collection follows any ownerReference, so
 * one would delete the Secret with the CR, which the consent did not give.
 */
import { parse } from 'yaml';
import { fail, isGitsealError } from '../core/errors.js';
import { checkSecret, isSecretManifest } from '../core/format/k8s-secret.js';
import { scanSimpleYaml } from '../core/format/fast-yaml.js';
import { renderOpened } from '../core/format/stream.js';
import { MAX_ALIAS_COUNT } from '../core/format/yaml-store.js';
import type { OpenedDocument } from '../core/format/seal.js';
import { appliedMetadataKeys, hasLegacyEntry, type ManagedFieldsEntry } from './managed-fields.js';
import { dataDigest } from './slim-objects.js';
import { ADOPT_BY_ANNOTATION, GROUP, KIND, MANAGED_LABEL, MANAGED_VALUE, VERSION, type EncryptedSecretObject, type OwnerReference } from './encrypted-secret.js';
import { isRecord } from '../core/is-record.js';

export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    uid?: string;
    resourceVersion?: string;
    /** Only the controller's own entries are kept in its caches. */
    managedFields?: ManagedFieldsEntry[];
  };
  type?: string;
  data?: Record<string, string>;
  /** In the controller's cache, instead of `data` (slim-objects.ts). */
  dataDigest?: string;
  immutable?: boolean;
}


function stringMap(v: unknown, what: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) return fail('E_SECRET_INVALID', `${what} must be a mapping`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = x === null ? '' : String(x);
  return out;
}

export const ownerReferenceTo = (cr: EncryptedSecretObject): OwnerReference => ({
  apiVersion: `${GROUP}/${VERSION}`,
  kind: KIND,
  name: cr.metadata.name,
  uid: cr.metadata.uid ?? '',
  controller: true,
  blockOwnerDeletion: true,
});

/**
 * Builds the Secret from the opened document. Throws E_SCOPE when the
 * manifest inside names another object than the CR that carries it (a CR
 * moved within a cluster-scoped binding), E_SECRET_INVALID when it is not a
 * Secret.
 */
export function desiredSecret(cr: EncryptedSecretObject, opened: OpenedDocument): SecretObject {
  const text = renderOpened([opened]);
  // Most manifests are plain block mappings, which the format's own scanner reads ~20× faster than the yaml package.
  const fast = scanSimpleYaml(text);
  const manifest: unknown = fast?.length === 1 ? fast[0]!.value : parse(text, { maxAliasCount: MAX_ALIAS_COUNT });
  if (!isRecord(manifest) || !isSecretManifest(manifest)) return fail('E_SECRET_INVALID', 'the decrypted document is not a v1 Secret');
  // What the API server would refuse (keys, base64, over 1 MiB) is refused here, with a reason that does not retry hot.
  // The status is readable by more people than the Secret, and key names are hidden by the format: the message names none.
  try {
    checkSecret(manifest);
  } catch (e) {
    if (isGitsealError(e, 'E_SECRET_INVALID'))
      fail('E_SECRET_INVALID', 'the Secret inside is not valid for Kubernetes (a data key, a base64 value, the name or the type): "gitseal decrypt" the file to see which');
    throw e;
  }
  const md = isRecord(manifest.metadata) ? manifest.metadata : {};
  const namespace = cr.metadata.namespace ?? '';
  if (md.name !== cr.metadata.name || (md.namespace !== undefined && md.namespace !== namespace))
    fail('E_SCOPE', `the Secret inside is ${String(md.namespace ?? namespace)}/${String(md.name)}, not ${namespace}/${cr.metadata.name}: the object was moved`);
  const data: Record<string, string> = {};
  // The API server stores data in canonical base64; the manifest may wrap or pad it otherwise.
  for (const [k, v] of Object.entries(stringMap(manifest.data, 'data') ?? {})) data[k] = Buffer.from(v, 'base64').toString('base64');
  for (const [k, v] of Object.entries(stringMap(manifest.stringData, 'stringData') ?? {})) data[k] = Buffer.from(v, 'utf8').toString('base64');
  const labels = { ...stringMap(md.labels, 'metadata.labels'), [MANAGED_LABEL]: MANAGED_VALUE };
  const annotations = stringMap(md.annotations, 'metadata.annotations');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: cr.metadata.name, namespace, labels, ...(annotations ? { annotations } : {}), ownerReferences: [ownerReferenceTo(cr)] },
    type: typeof manifest.type === 'string' ? manifest.type : 'Opaque',
    data,
    ...(manifest.immutable === true ? { immutable: true } : {}),
  };
}

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean => {
  const x = Object.entries(a ?? {});
  return x.length === Object.keys(b ?? {}).length && x.every(([k, v]) => (b ?? {})[k] === v);
};

const controlledBy = (live: SecretObject, cr: EncryptedSecretObject): boolean =>
  (live.metadata.ownerReferences ?? []).some((o) => o.controller === true && o.uid === cr.metadata.uid);

/** True when the Secret's own annotation hands it to this CR (an EncryptedSecret is in the Secret's namespace). */
export const adoptedBy = (live: SecretObject, cr: EncryptedSecretObject): boolean => live.metadata.annotations?.[ADOPT_BY_ANNOTATION] === cr.metadata.name;

/** True when this CR may write `live`: it made it (its controller ownerReference), or the Secret consents to it. */
export const ownedBy = (live: SecretObject, cr: EncryptedSecretObject): boolean => controlledBy(live, cr) || adoptedBy(live, cr);

/**
 * The desired Secret of an adopted one: no ownerReference, so deleting the CR leaves it, and the consent
 * annotation applied too, so it survives the replacement of an immutable Secret (which deletes the live one).
 */
export function asAdopted(desired: SecretObject, cr: EncryptedSecretObject): SecretObject {
  const metadata = { ...desired.metadata, annotations: { ...desired.metadata.annotations, [ADOPT_BY_ANNOTATION]: cr.metadata.name } };
  delete metadata.ownerReferences;
  return { ...desired, metadata };
}

/**
 * True when the live Secret already is what the controller would apply: the
 * labels and annotations it manages (others may add more) and none it
 * applied before that Git has since removed, type, data, immutability and
 * the controller ownerReference (or, adopted, none), with no legacy
 * managedFields entry left to take over.
 */
export function sameSecret(live: SecretObject, desired: SecretObject, cr: EncryptedSecretObject): boolean {
  const has = (have: Record<string, string> | undefined, want: Record<string, string> | undefined) => Object.entries(want ?? {}).every(([k, v]) => have?.[k] === v);
  const stillWanted = (field: 'labels' | 'annotations') => appliedMetadataKeys(live.metadata.managedFields, field).every((k) => desired.metadata[field]?.[k] !== undefined);
  return (
    ownedBy(live, cr) &&
    controlledBy(live, cr) === (desired.metadata.ownerReferences?.length ?? 0) > 0 &&
    !hasLegacyEntry(live.metadata.managedFields) &&
    stillWanted('labels') &&
    stillWanted('annotations') &&
    (live.type ?? 'Opaque') === desired.type &&
    (live.data === undefined && live.dataDigest !== undefined ? live.dataDigest === dataDigest(desired.data) : sameMap(live.data, desired.data)) &&
    (live.immutable === true) === (desired.immutable === true) &&
    has(live.metadata.labels, desired.metadata.labels) &&
    has(live.metadata.annotations, desired.metadata.annotations)
  );
}
