/**
 * Bitnami SealedSecrets (bitnami.com/v1alpha1) to plaintext Secret
 * manifests, as the controller's Unseal (sealedsecret_expansion.go) would
 * make them: template metadata, type and immutable; name and namespace of
 * the SealedSecret; every `spec.encryptedData` value decrypted with the
 * label of the SealedSecret's scope. Pure: no files, no environment.
 *
 * Errors are E_SEALED and name the document and the SealedSecret, never a
 * value.
 */
import type { KeyObject } from 'node:crypto';
import { stringify } from 'yaml';
import { fail } from '../../core/errors.js';
import type { Scope } from '../../core/format/scope.js';
import { parsePlainStream } from '../../core/format/yaml-store.js';
import { decodeBase64Strict } from './base64.js';
import { hybridDecrypt } from './hybrid.js';

export const SEALED_API_VERSION = 'bitnami.com/v1alpha1';
export const ANNOTATION_PREFIX = 'sealedsecrets.bitnami.com/';
export const NAMESPACE_WIDE = `${ANNOTATION_PREFIX}namespace-wide`;
export const CLUSTER_WIDE = `${ANNOTATION_PREFIX}cluster-wide`;

export type SealingScope = 'strict' | 'namespace-wide' | 'cluster-wide';

export const GITSEAL_SCOPE: Readonly<Record<SealingScope, Scope>> = { strict: 'strict', 'namespace-wide': 'namespace', 'cluster-wide': 'cluster' };

export interface ImportedSecret {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly sealingScope: SealingScope;
  readonly scope: Scope;
  /** The plaintext Secret manifest (YAML, one document). Keep it in memory only. */
  readonly manifest: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The label RSA-OAEP binds a value to (EncryptionLabel in sealedsecret_expansion.go). */
export function encryptionLabel(scope: SealingScope, namespace: string, name: string): Uint8Array {
  const l = scope === 'cluster-wide' ? '' : scope === 'namespace-wide' ? namespace : `${namespace}/${name}`;
  return new TextEncoder().encode(l);
}

function stringMap(v: unknown, where: string, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) return fail('E_SEALED', `${where}: ${what} is not a mapping`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') fail('E_SEALED', `${where}: ${what}."${k}" is not a string`);
    out[k] = x;
  }
  return out;
}

/**
 * The scope, from the SealedSecret's own annotations as the controller reads
 * them (SecretScope: cluster-wide wins), else from spec.template's, which
 * kubeseal writes too. Values other than "true"/"false" and unknown
 * `sealedsecrets.bitnami.com/*-wide` annotations are refused.
 */
function scopeOf(meta: Record<string, string>, template: Record<string, string>, where: string): SealingScope {
  const read = (a: Record<string, string>, from: string): SealingScope | undefined => {
    for (const [k, v] of Object.entries(a)) {
      if (!k.startsWith(ANNOTATION_PREFIX)) continue;
      if (k !== NAMESPACE_WIDE && k !== CLUSTER_WIDE) {
        if (/-wide$|scope/.test(k)) fail('E_SEALED', `${where}: unknown scope annotation ${k} in ${from}; known are ${NAMESPACE_WIDE} and ${CLUSTER_WIDE}`);
        continue;
      }
      if (v !== 'true' && v !== 'false') fail('E_SEALED', `${where}: annotation ${k} in ${from} must be "true" or "false"`);
    }
    if (a[CLUSTER_WIDE] === 'true') return 'cluster-wide';
    if (a[NAMESPACE_WIDE] === 'true') return 'namespace-wide';
    return NAMESPACE_WIDE in a || CLUSTER_WIDE in a ? 'strict' : undefined;
  };
  return read(meta, 'metadata.annotations') ?? read(template, 'spec.template.metadata.annotations') ?? 'strict';
}

function decryptValue(b64: string, keys: readonly KeyObject[], label: Uint8Array, where: string, key: string, moved: string): Uint8Array {
  const blob = decodeBase64Strict(b64);
  if (!blob) return fail('E_SEALED', `${where}: the sealed value of "${key}" is not valid base64`);
  const r = hybridDecrypt(blob, keys, label);
  if (r.ok) return r.plaintext;
  if (r.reason === 'too-short') return fail('E_SEALED', `${where}: the sealed value of "${key}" is too short to be a sealed-secrets ciphertext`);
  if (r.reason === 'tampered') return fail('E_SEALED', `${where}: the sealed value of "${key}" was modified (AES-GCM authentication failed)`);
  return fail(
    'E_SEALED',
    `${where}: no key given opens the value of "${key}": pass the controller key it was sealed with (--key, repeatable for rotated keys), or ${moved}`,
  );
}

const b64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');

/** One SealedSecret object to its plaintext Secret manifest. `index` is 0-based, for messages. */
export function unsealObject(o: Obj, keys: readonly KeyObject[], index: number): ImportedSecret {
  const doc = `document ${index + 1}`;
  if (o.apiVersion !== SEALED_API_VERSION || o.kind !== 'SealedSecret')
    fail('E_SEALED', `${doc} is not a SealedSecret (${SEALED_API_VERSION}); an import converts SealedSecrets only, so other documents are refused rather than copied in plaintext`);
  const meta = isObj(o.metadata) ? o.metadata : {};
  const name = meta.name;
  if (typeof name !== 'string' || name === '') return fail('E_SEALED', `${doc}: the SealedSecret has no metadata.name`);
  const nsRaw = meta.namespace;
  if (nsRaw !== undefined && typeof nsRaw !== 'string') fail('E_SEALED', `${doc}: metadata.namespace is not a string`);
  const namespace = nsRaw === '' ? undefined : nsRaw;
  const where = `${doc} (SealedSecret ${namespace ?? '<no namespace>'}/${name})`;
  const spec = o.spec;
  if (!isObj(spec)) return fail('E_SEALED', `${where}: spec is missing`);
  const template = spec.template === undefined || spec.template === null ? {} : spec.template;
  if (!isObj(template)) return fail('E_SEALED', `${where}: spec.template is not a mapping`);
  const tmeta = template.metadata === undefined || template.metadata === null ? {} : template.metadata;
  if (!isObj(tmeta)) return fail('E_SEALED', `${where}: spec.template.metadata is not a mapping`);
  const annotations = stringMap(tmeta.annotations, where, 'spec.template.metadata.annotations');
  const labels = stringMap(tmeta.labels, where, 'spec.template.metadata.labels');
  const sealingScope = scopeOf(stringMap(meta.annotations, where, 'metadata.annotations'), annotations, where);
  if (sealingScope !== 'cluster-wide' && !namespace)
    fail('E_SEALED', `${where}: a ${sealingScope} SealedSecret is bound to its namespace, but metadata.namespace is missing: add the namespace it was sealed for`);
  const label = encryptionLabel(sealingScope, namespace ?? '', name);
  const moved =
    sealingScope === 'strict'
      ? `the SealedSecret was renamed or moved to another namespace (strict scope binds its values to ${namespace}/${name})`
      : sealingScope === 'namespace-wide'
        ? `the SealedSecret was moved to another namespace (namespace-wide scope binds its values to ${namespace}), or its scope annotation changed`
        : 'its scope annotation changed (it was sealed for another scope)';

  if (template.data !== undefined && template.data !== null)
    fail('E_SEALED', `${where}: spec.template.data (templated values) is not supported: render the templates into plain values and seal again, or import without them`);

  const data: Record<string, string> = {};
  let type: unknown = template.type;
  let immutable: unknown = template.immutable;
  let outLabels = labels;
  let outAnnotations = annotations;
  const encrypted = spec.encryptedData;
  const legacy = spec.data;
  if (legacy !== undefined && legacy !== null) {
    if (isObj(encrypted) && Object.keys(encrypted).length > 0)
      fail('E_SEALED', `${where}: spec.encryptedData and the deprecated spec.data cannot be used at the same time`);
    if (typeof legacy !== 'string') return fail('E_SEALED', `${where}: the deprecated spec.data is not a string`);
    // Old kubeseal: the whole Secret serialised as JSON, sealed as one value.
    const plain = decryptValue(legacy, keys, label, where, 'spec.data', moved);
    let secret: unknown;
    try {
      secret = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
    } catch {
      return fail('E_SEALED', `${where}: the deprecated spec.data does not hold a JSON Secret`);
    } finally {
      plain.fill(0);
    }
    if (!isObj(secret)) return fail('E_SEALED', `${where}: the deprecated spec.data does not hold a JSON Secret`);
    const smeta = isObj(secret.metadata) ? secret.metadata : {};
    outLabels = stringMap(smeta.labels, where, 'the labels in spec.data');
    outAnnotations = stringMap(smeta.annotations, where, 'the annotations in spec.data');
    type = secret.type;
    immutable = secret.immutable;
    for (const [k, v] of Object.entries(stringMap(secret.data, where, 'the data in spec.data'))) {
      const bytes = decodeBase64Strict(v);
      if (!bytes) fail('E_SEALED', `${where}: a data value in spec.data is not valid base64`);
      data[k] = b64(bytes);
    }
    for (const [k, v] of Object.entries(stringMap(secret.stringData, where, 'the stringData in spec.data'))) data[k] = Buffer.from(v, 'utf8').toString('base64');
  } else {
    for (const [key, value] of Object.entries(stringMap(encrypted, where, 'spec.encryptedData'))) {
      const plain = decryptValue(value, keys, label, where, key, moved);
      data[key] = b64(plain);
      plain.fill(0);
    }
  }
  if (type !== undefined && typeof type !== 'string') fail('E_SEALED', `${where}: spec.template.type is not a string`);
  if (immutable !== undefined && typeof immutable !== 'boolean') fail('E_SEALED', `${where}: spec.template.immutable is not a boolean`);

  // sealedsecrets.bitnami.com/* annotations steer the controller (scope, managed, ...); gitseal has its own scope.
  const keptAnnotations = Object.fromEntries(Object.entries(outAnnotations).filter(([k]) => !k.startsWith(ANNOTATION_PREFIX)));
  const metadata: Obj = { name };
  if (namespace) metadata.namespace = namespace;
  if (Object.keys(outLabels).length) metadata.labels = outLabels;
  if (Object.keys(keptAnnotations).length) metadata.annotations = keptAnnotations;
  const manifest: Obj = { apiVersion: 'v1', kind: 'Secret', metadata };
  if (typeof type === 'string' && type !== '') manifest.type = type;
  if (immutable === true) manifest.immutable = true;
  manifest.data = Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]!]));
  return { name, namespace, sealingScope, scope: GITSEAL_SCOPE[sealingScope], manifest: stringify(manifest, { lineWidth: 0 }) };
}

/** Every document of a YAML/JSON stream; all must be SealedSecrets (a `kind: List` of them counts). */
export function unsealStream(text: string, keys: readonly KeyObject[]): ImportedSecret[] {
  const objects: Obj[] = [];
  for (const p of parsePlainStream(text)) {
    const v = p.toJS();
    if (v === null || v === undefined) continue; // an empty document ("---" at the end)
    if (isObj(v) && v.kind === 'List' && v.apiVersion === 'v1' && Array.isArray(v.items)) {
      for (const item of v.items) objects.push(isObj(item) ? item : {});
    } else objects.push(isObj(v) ? v : {});
  }
  if (objects.length === 0) fail('E_SEALED', 'the input holds no SealedSecret');
  return objects.map((o, i) => unsealObject(o, keys, i));
}
