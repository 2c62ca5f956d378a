/** The built-in resources the double serves, with their strategies. */
import { crdSchema, prepareCrd, validateCrd } from './crd.js';
import { coreToEventsV1, decodeCoreEvent, decodeEventsV1, eventFields, eventsV1Fields, eventsV1ToCore, validateCoreEvent, validateEventsV1 } from './events.js';
import type { Obj } from './errors.js';
import { decodeConfigMap, decodeLease, decodeSecret, prepareNamespace, validateConfigMap, validateLease, validateSecret } from './kinds.js';
import { defineResource, type ResourceType } from './resources.js';
import { atomicMap, builtinSchema, conditionsSchema, goStruct, isObj } from './schema.js';
import { str } from './values.js';
import { isDNS1123Label } from './validation.js';

export function builtinResources(): ResourceType[] {
  return [
    defineResource({
      group: '',
      version: 'v1',
      kind: 'Namespace',
      plural: 'namespaces',
      namespaced: false,
      shortNames: ['ns'],
      status: true,
      nameCheck: isDNS1123Label,
      schema: builtinSchema({ spec: goStruct(), status: goStruct({ conditions: conditionsSchema }) }),
      fields: { 'status.phase': (o) => (isObj(o.status) ? str(o.status.phase) : undefined) },
      prepareCreate: prepareNamespace,
    }),
    defineResource({
      group: '',
      version: 'v1',
      kind: 'Secret',
      plural: 'secrets',
      namespaced: true,
      schema: builtinSchema(),
      fields: { type: (o) => str(o.type) },
      decode: decodeSecret,
      validate: validateSecret,
    }),
    defineResource({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespaced: true,
      shortNames: ['cm'],
      schema: builtinSchema(),
      decode: decodeConfigMap,
      validate: validateConfigMap,
    }),
    defineResource({
      group: '',
      version: 'v1',
      kind: 'Event',
      plural: 'events',
      namespaced: true,
      shortNames: ['ev'],
      allowCreateOnUpdate: true,
      schema: builtinSchema({ involvedObject: atomicMap, related: atomicMap, source: goStruct() }),
      fields: eventFields,
      skipMetaValidation: true,
      decode: decodeCoreEvent,
      validate: (o) => validateCoreEvent(o),
    }),
    defineResource({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      namespaced: true,
      allowUnconditionalUpdate: false,
      schema: builtinSchema({ spec: goStruct() }),
      decode: decodeLease,
      validate: validateLease,
    }),
    defineResource({
      group: 'events.k8s.io',
      version: 'v1',
      kind: 'Event',
      plural: 'events',
      namespaced: true,
      shortNames: ['ev'],
      storageKey: '/events',
      allowCreateOnUpdate: true,
      schema: builtinSchema({ regarding: atomicMap, related: atomicMap, deprecatedSource: goStruct() }),
      fields: eventsV1Fields,
      skipMetaValidation: true,
      validationGroup: '',
      decode: decodeEventsV1,
      validate: (o: Obj, old: Obj | undefined) => validateEventsV1(eventsV1ToCore(o), old && eventsV1ToCore(old)),
      toStorage: eventsV1ToCore,
      fromStorage: coreToEventsV1,
    }),
    defineResource({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      kind: 'CustomResourceDefinition',
      plural: 'customresourcedefinitions',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      status: true,
      generation: true,
      returnDeletedObject: true,
      schema: crdSchema,
      prepareCreate: prepareCrd,
      prepareUpdate: prepareCrd,
      validate: (o) => validateCrd(o),
    }),
  ];
}
