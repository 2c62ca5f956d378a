/**
 * CustomResourceDefinitions: the CRD kind's own strategy (names,
 * versions, required schemas, accepted names and Established status) and
 * the resource entries a CRD contributes for each served version.
 */
import { fieldErr, type FieldError, type Obj } from './errors.js';
import { ALWAYS_PRESENT, builtinSchema, conditionsSchema, goStruct, isObj, METADATA_SCHEMA, type Schema } from './schema.js';
import { pruneAndDefault, validateAgainst, validateStatus } from './structural.js';
import { apiVersionOf, defineResource, retag, type ResourceType } from './resources.js';
import type { PrinterColumn } from './table.js';
import { deepEqual, metaOf, nowTime, str } from './values.js';
import { isDNS1123Label, isDNS1123Subdomain } from './validation.js';

export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

interface Names {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

function names(crd: Obj): Names {
  const spec = isObj(crd.spec) ? crd.spec : {};
  const n = isObj(spec.names) ? spec.names : {};
  const kind = str(n.kind) ?? '';
  return {
    plural: str(n.plural) ?? '',
    singular: str(n.singular) || kind.toLowerCase(),
    kind,
    listKind: str(n.listKind) || `${kind}List`,
    shortNames: Array.isArray(n.shortNames) ? n.shortNames.map(String) : [],
    categories: Array.isArray(n.categories) ? n.categories.map(String) : [],
  };
}

const versionsOf = (crd: Obj): Obj[] => {
  const spec = isObj(crd.spec) ? crd.spec : {};
  return Array.isArray(spec.versions) ? spec.versions.filter(isObj) : [];
};

function condition(type: string, reason: string, message: string): Obj {
  return { type, status: 'True', lastTransitionTime: nowTime(), reason, message };
}

/**
 * Defaults the spec and records the storage version. Names and conditions are left to the CRD
 * controllers (crdControllerStatus), which the real apiserver runs moments after the write.
 */
export function prepareCrd(crd: Obj): void {
  const spec = isObj(crd.spec) ? crd.spec : {};
  const n = names(crd);
  if (isObj(spec.names)) {
    spec.names.singular = n.singular;
    spec.names.listKind = n.listKind;
  }
  if (!isObj(spec.conversion)) spec.conversion = { strategy: 'None' };
  const storage = versionsOf(crd).find((v) => v.storage === true);
  const status = isObj(crd.status) ? crd.status : {};
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions.map(String) : [];
  const sv = str(storage?.name);
  if (sv && !stored.includes(sv)) stored.push(sv);
  crd.status = { ...status, storedVersions: stored };
}

/** The status the CRD controllers give a CRD (its names accepted, it established), or undefined when it has it. */
export function crdControllerStatus(crd: Obj): Obj | undefined {
  const n = names(crd);
  const status = isObj(crd.status) ? crd.status : {};
  const acceptedNames: Obj = { plural: n.plural, singular: n.singular, kind: n.kind, listKind: n.listKind };
  if (n.shortNames.length) acceptedNames.shortNames = n.shortNames;
  if (n.categories.length) acceptedNames.categories = n.categories;
  const conditions = Array.isArray(status.conditions) && status.conditions.length ? status.conditions : [
    condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
    condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
  ];
  const next = { ...status, acceptedNames, conditions };
  return deepEqual(next, status) ? undefined : next;
}

export function validateCrd(crd: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = isObj(crd.spec) ? crd.spec : {};
  const group = str(spec.group) ?? '';
  const n = names(crd);
  if (!group) errs.push(fieldErr.required('spec.group'));
  else {
    for (const m of isDNS1123Subdomain(group)) errs.push(fieldErr.invalid('spec.group', group, m));
    if (group.split('.').length < 2) errs.push(fieldErr.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  if (!n.plural) errs.push(fieldErr.required('spec.names.plural'));
  else for (const m of isDNS1123Label(n.plural)) errs.push(fieldErr.invalid('spec.names.plural', n.plural, m));
  if (!n.kind) errs.push(fieldErr.required('spec.names.kind'));
  const name = str(metaOf(crd).name) ?? '';
  if (n.plural && group && name !== `${n.plural}.${group}`) errs.push(fieldErr.invalid('metadata.name', name, `must be spec.names.plural+"."+spec.group`));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errs.push(fieldErr.notSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  const versions = versionsOf(crd);
  if (versions.length === 0) errs.push(fieldErr.required('spec.versions', 'must have exactly one version marked as storage version'));
  const storage = versions.filter((v) => v.storage === true).length;
  if (versions.length > 0 && storage !== 1) errs.push(fieldErr.invalid('spec.versions', versions.length, 'must have exactly one version marked as storage version'));
  versions.forEach((v, i) => {
    if (!str(v.name)) errs.push(fieldErr.required(`spec.versions[${i}].name`));
    const schema = isObj(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (!isObj(schema)) errs.push(fieldErr.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
  });
  return errs;
}

/** The resource entries a CRD serves, one per served version. */
export function crdResourceTypes(crd: Obj): ResourceType[] {
  const spec = isObj(crd.spec) ? crd.spec : {};
  const group = str(spec.group) ?? '';
  const n = names(crd);
  const versions = versionsOf(crd);
  const storageVersion = str(versions.find((v) => v.storage === true)?.name) ?? '';
  const storageApiVersion = `${group}/${storageVersion}`;
  return versions
    .filter((v) => v.served !== false)
    .map((v) => {
      const version = str(v.name) ?? '';
      const subs = isObj(v.subresources) ? v.subresources : isObj(spec.subresources) ? spec.subresources : {};
      const raw = isObj(v.schema) && isObj(v.schema.openAPIV3Schema) ? (v.schema.openAPIV3Schema as Schema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      const schema: Schema = { ...raw, properties: { ...(isObj(raw.properties) ? raw.properties : {}), metadata: METADATA_SCHEMA } };
      const selectable = Array.isArray(v.selectableFields) ? v.selectableFields.filter(isObj).map((f) => str(f.jsonPath) ?? '') : [];
      const apiVersion = apiVersionOf({ group, version });
      return defineResource({
        group,
        version,
        kind: n.kind,
        listKind: n.listKind,
        plural: n.plural,
        singular: n.singular,
        namespaced: spec.scope !== 'Cluster',
        shortNames: n.shortNames,
        categories: n.categories,
        status: isObj(subs.status),
        custom: true,
        generation: true,
        allowUnconditionalUpdate: false,
        schema,
        printerColumns: Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns.filter(isObj).map(printerColumn) : [],
        fields: Object.fromEntries(selectable.filter(Boolean).map((p) => [p.replace(/^\./, ''), (o: Obj) => jsonPathString(o, p)])),
        decode: (o) => pruneAndDefault(o, schema),
        validate: (o, _old, subresource) => (subresource === 'status' ? validateStatus(o, raw) : validateAgainst(o, raw)),
        toStorage: (o) => retag(o, storageApiVersion, n.kind),
        fromStorage: (o) => retag(o, apiVersion, n.kind),
      });
    });
}

const printerColumn = (c: Obj): PrinterColumn => ({
  name: str(c.name) ?? '',
  type: str(c.type) ?? 'string',
  ...(str(c.format) ? { format: str(c.format) } : {}),
  ...(str(c.description) ? { description: str(c.description) } : {}),
  ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
  jsonPath: str(c.jsonPath) ?? '',
});

function jsonPathString(o: Obj, path: string): string | undefined {
  let v: unknown = o;
  for (const p of path.replace(/^\./, '').split('.')) v = isObj(v) ? v[p] : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

export const crdSchema: Schema = builtinSchema({
  spec: goStruct({ names: goStruct() }),
  status: goStruct({ conditions: { ...conditionsSchema, [ALWAYS_PRESENT]: true }, acceptedNames: goStruct() }),
});
