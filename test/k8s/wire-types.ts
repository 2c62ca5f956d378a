/**
 * The Go types behind the built-in kinds the double serves, as far as
 * their JSON shape goes: field order (Go's encoding/json writes struct
 * fields in declaration order), which map fields it sorts (every Go map),
 * and which fields it writes even when unset (non-pointer structs and
 * times without omitempty effect: `{}`, `null`, `""`).
 */

export type WireType =
  /** Written as stored. */
  | 'scalar'
  /** A Go map of scalars: keys sorted. */
  | 'map'
  /** Raw JSON kept as the client sent it (apiextensions JSON, FieldsV1). */
  | 'raw'
  /** Unstructured: every map's keys sorted, all the way down. */
  | 'sorted'
  | { struct: Field[] }
  | { list: WireType }
  | { mapOf: WireType };

export interface Field {
  name: string;
  type: WireType;
  /** Written when the field is unset (Go writes non-pointer structs and zero times without omitting them). */
  whenAbsent?: unknown;
  /** Go's omitempty on a non-pointer scalar: a zero value is not written. */
  omitZero?: boolean;
}

const f = (name: string, type: WireType = 'scalar', opts: Omit<Field, 'name' | 'type'> = {}): Field => ({ name, type, ...opts });
const struct = (...fields: Field[]): WireType => ({ struct: fields });
const list = (type: WireType): WireType => ({ list: type });

const ownerReference = struct(f('apiVersion'), f('kind'), f('name'), f('uid'), f('controller'), f('blockOwnerDeletion'));
const managedFieldsEntry = struct(f('manager'), f('operation'), f('apiVersion'), f('time'), f('fieldsType'), f('fieldsV1', 'raw'), f('subresource'));

export const objectMeta = struct(
  f('name'),
  f('generateName'),
  f('namespace'),
  f('selfLink'),
  f('uid'),
  f('resourceVersion'),
  f('generation', 'scalar', { omitZero: true }),
  f('creationTimestamp', 'scalar', { whenAbsent: null }),
  f('deletionTimestamp'),
  f('deletionGracePeriodSeconds'),
  f('labels', 'map'),
  f('annotations', 'map'),
  f('ownerReferences', list(ownerReference)),
  f('finalizers'),
  f('managedFields', list(managedFieldsEntry)),
);

export const listMeta = struct(f('selfLink'), f('resourceVersion'), f('continue'), f('remainingItemCount'));

const typeMeta = [f('kind'), f('apiVersion')];
const kind = (...fields: Field[]): WireType => struct(...typeMeta, f('metadata', objectMeta), ...fields);

const objectReference = struct(f('kind'), f('namespace'), f('name'), f('uid'), f('apiVersion'), f('resourceVersion'), f('fieldPath'));
const eventSource = struct(f('component'), f('host'));
const eventSeries = struct(f('count'), f('lastObservedTime'));

const coreEvent = kind(
  f('involvedObject', objectReference, { whenAbsent: {} }),
  f('reason'),
  f('message'),
  f('source', eventSource, { whenAbsent: {} }),
  f('firstTimestamp', 'scalar', { whenAbsent: null }),
  f('lastTimestamp', 'scalar', { whenAbsent: null }),
  f('count', 'scalar', { omitZero: true }),
  f('type'),
  f('eventTime', 'scalar', { whenAbsent: null }),
  f('series', eventSeries),
  f('action'),
  f('related', objectReference),
  f('reportingComponent', 'scalar', { whenAbsent: '' }),
  f('reportingInstance', 'scalar', { whenAbsent: '' }),
);

const eventsV1Event = kind(
  f('eventTime', 'scalar', { whenAbsent: null }),
  f('series', eventSeries),
  f('reportingController'),
  f('reportingInstance'),
  f('action'),
  f('reason'),
  f('regarding', objectReference, { whenAbsent: {} }),
  f('related', objectReference),
  f('note'),
  f('type'),
  f('deprecatedSource', eventSource, { whenAbsent: {} }),
  f('deprecatedFirstTimestamp', 'scalar', { whenAbsent: null }),
  f('deprecatedLastTimestamp', 'scalar', { whenAbsent: null }),
  f('deprecatedCount', 'scalar', { omitZero: true }),
);

const condition = struct(f('type'), f('status'), f('lastTransitionTime'), f('reason'), f('message'));

const secret = kind(f('immutable'), f('data', 'map'), f('stringData', 'map'), f('type'));
const configMap = kind(f('immutable'), f('data', 'map'), f('binaryData', 'map'));
const namespace = kind(f('spec', struct(f('finalizers')), { whenAbsent: {} }), f('status', struct(f('phase'), f('conditions', list(condition))), { whenAbsent: {} }));
const lease = kind(
  f('spec', struct(f('holderIdentity'), f('leaseDurationSeconds'), f('acquireTime'), f('renewTime'), f('leaseTransitions'), f('strategy'), f('preferredHolder')), { whenAbsent: {} }),
);

/** apiextensions JSONSchemaProps, recursively. */
const schemaFields: Field[] = [];
const jsonSchema: WireType = { struct: schemaFields };
schemaFields.push(
  ...['id', '$schema', '$ref', 'description', 'type', 'format', 'title'].map((n) => f(n)),
  f('default', 'raw'),
  ...['maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf'].map((n) => f(n)),
  f('enum', 'raw'),
  f('maxProperties'),
  f('minProperties'),
  f('required'),
  f('items', jsonSchema),
  f('allOf', list(jsonSchema)),
  f('oneOf', list(jsonSchema)),
  f('anyOf', list(jsonSchema)),
  f('not', jsonSchema),
  f('properties', { mapOf: jsonSchema }),
  f('additionalProperties', jsonSchema),
  f('patternProperties', { mapOf: jsonSchema }),
  f('dependencies', 'sorted'),
  f('additionalItems', jsonSchema),
  f('definitions', { mapOf: jsonSchema }),
  f('externalDocs', struct(f('description'), f('url'))),
  f('example', 'raw'),
  f('nullable'),
  ...['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type', 'x-kubernetes-map-type'].map(
    (n) => f(n),
  ),
  f('x-kubernetes-validations', list(struct(f('rule'), f('message'), f('messageExpression'), f('reason'), f('fieldPath'), f('optionalOldSelf')))),
);

const crdNames = struct(f('plural', 'scalar', { whenAbsent: '' }), f('singular'), f('shortNames'), f('kind', 'scalar', { whenAbsent: '' }), f('listKind'), f('categories'));
const crdVersion = struct(
  f('name'),
  f('served'),
  f('storage'),
  f('deprecated'),
  f('deprecationWarning'),
  f('schema', struct(f('openAPIV3Schema', jsonSchema))),
  f('subresources', struct(f('status', 'sorted'), f('scale', struct(f('specReplicasPath'), f('statusReplicasPath'), f('labelSelectorPath'))))),
  f('additionalPrinterColumns', list(struct(f('name'), f('type'), f('format'), f('description'), f('priority'), f('jsonPath')))),
  f('selectableFields', list(struct(f('jsonPath')))),
);
const crd = kind(
  f('spec', struct(f('group'), f('names', crdNames), f('scope'), f('versions', list(crdVersion)), f('conversion', 'sorted'), f('preserveUnknownFields'))),
  f('status', struct(f('conditions', list(condition), { whenAbsent: null }), f('acceptedNames', crdNames, { whenAbsent: {} }), f('storedVersions')), { whenAbsent: {} }),
);

const statusDetails = struct(f('name'), f('group'), f('kind'), f('uid'), f('causes', list(struct(f('reason'), f('message'), f('field')))), f('retryAfterSeconds'));
export const status = struct(...typeMeta, f('metadata', listMeta), f('status'), f('message'), f('reason'), f('details', statusDetails), f('code'));

const table = struct(
  ...typeMeta,
  f('metadata', listMeta),
  f('columnDefinitions', list(struct(f('name'), f('type'), f('format'), f('description'), f('priority')))),
  f('rows', list(struct(f('cells'), f('conditions'), f('object', struct(...typeMeta, f('metadata', objectMeta)))))),
);

/** Built-in kinds by apiVersion and kind. */
export const BUILTIN: Record<string, WireType> = {
  'v1/Secret': secret,
  'v1/ConfigMap': configMap,
  'v1/Namespace': namespace,
  'v1/Event': coreEvent,
  'v1/Status': status,
  'events.k8s.io/v1/Event': eventsV1Event,
  'coordination.k8s.io/v1/Lease': lease,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': crd,
  'meta.k8s.io/v1/Table': table,
};

/** The apiVersions of built-in groups: objects of any other are custom resources (unstructured). */
export const BUILTIN_API_VERSIONS = new Set(['v1', 'events.k8s.io/v1', 'coordination.k8s.io/v1', 'apiextensions.k8s.io/v1', 'meta.k8s.io/v1']);
