/**
 * Events: one store, two APIs. core/v1 Event is the stored shape;
 * events.k8s.io/v1 renames fields (regarding, note, reportingController,
 * deprecated*), and its creates are validated strictly (eventTime,
 * reportingController, reportingInstance, action, reason, type), as in
 * pkg/apis/core/validation/events.go.
 */
import { decodeTyped } from './decode.js';
import { fieldErr, type FieldError, type Obj } from './errors.js';
import { isObj } from './schema.js';
import { deepEqual, metaOf, str } from './values.js';
import { isDNS1123Subdomain, isQualifiedName, validateMeta, validateMetaUpdate } from './validation.js';

/** events.k8s.io/v1 name → core/v1 name. */
const RENAMES: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(o: Obj, pairs: [string, string][], apiVersion: string): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const hit = pairs.find(([from]) => from === k);
    out[hit ? hit[1] : k] = v;
  }
  out.apiVersion = apiVersion;
  out.kind = 'Event';
  return out;
}

export const eventsV1ToCore = (o: Obj): Obj => rename(o, RENAMES, 'v1');
export const coreToEventsV1 = (o: Obj): Obj =>
  rename(
    o,
    RENAMES.map(([a, b]) => [b, a]),
    'events.k8s.io/v1',
  );

export function decodeCoreEvent(o: Obj): void {
  decodeTyped(o, 'Event', 'v1', {
    involvedObject: 'object',
    reason: 'string',
    message: 'string',
    type: 'string',
    count: 'int',
    firstTimestamp: 'time',
    lastTimestamp: 'time',
    eventTime: 'microtime',
    'series.count': 'int',
    'series.lastObservedTime': 'microtime',
    action: 'string',
    reportingComponent: 'string',
    reportingInstance: 'string',
  }, { series: 'EventSeries' });
}

export function decodeEventsV1(o: Obj): void {
  // (Decoded into the internal Event, which the apiserver's messages call version "v1".)
  decodeTyped(o, 'Event', 'v1', {
    regarding: 'object',
    reason: 'string',
    note: 'string',
    type: 'string',
    deprecatedCount: 'int',
    deprecatedFirstTimestamp: 'time',
    deprecatedLastTimestamp: 'time',
    eventTime: 'microtime',
    'series.count': 'int',
    'series.lastObservedTime': 'microtime',
    action: 'string',
    reportingController: 'string',
    reportingInstance: 'string',
  }, { series: 'EventSeries' });
}

/** legacyValidateEvent; `strictNames` selects events.k8s.io field names in messages. */
function legacy(e: Obj, strictNames: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(metaOf(e).namespace) ?? '';
  const inv = isObj(e.involvedObject) ? e.involvedObject : {};
  const invNs = str(inv.namespace) ?? '';
  const rc = strictNames ? 'reportingController' : 'reportingComponent';
  if (!e.eventTime) {
    if (invNs === '' ? ns !== '' && ns !== 'default' : ns !== invNs) errs.push(fieldErr.invalid('involvedObject.namespace', invNs, 'does not match event.namespace'));
  } else {
    if (invNs === '' && ns !== 'default' && ns !== 'kube-system') errs.push(fieldErr.invalid('involvedObject.namespace', invNs, 'does not match event.namespace'));
    const controller = str(e.reportingComponent) ?? '';
    if (!controller) errs.push(fieldErr.required(rc));
    for (const msg of isQualifiedName(controller)) errs.push(fieldErr.invalid(rc, controller, msg));
    const limits: [string, number][] = [
      ['reportingInstance', 128],
      ['action', 128],
      ['reason', 128],
    ];
    for (const [f, max] of limits) {
      const v = str(e[f]) ?? '';
      if (!v) errs.push(fieldErr.required(f));
      if (v.length > max) errs.push(fieldErr.invalid(f, '', `can have at most ${max} characters`));
    }
    if ((str(e.message) ?? '').length > 1024) errs.push(fieldErr.invalid(strictNames ? 'note' : 'message', '', 'can have at most 1024 characters'));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(fieldErr.invalid('namespace', ns, msg));
  return errs;
}

function series(e: Obj): FieldError[] {
  if (!isObj(e.series)) return [];
  const errs: FieldError[] = [];
  if (typeof e.series.count !== 'number' || e.series.count < 2) errs.push(fieldErr.invalid('series.count', '', 'should be at least 2'));
  if (!e.series.lastObservedTime) errs.push(fieldErr.required('series.lastObservedTime'));
  return errs;
}

/** core/v1 writes get the legacy checks only: not even ObjectMeta is validated, beyond having a name. */
export function validateCoreEvent(e: Obj): FieldError[] {
  const m = metaOf(e);
  return [...(str(m.name) ? [] : [fieldErr.required('metadata.name', 'name or generateName is required')]), ...legacy(e, false)];
}

/**
 * A write through events.k8s.io/v1, on the stored (core) shape: the legacy checks, then ObjectMeta
 * and the strict ones. Field names are the internal (core) ones, except where legacy renames them.
 */
export function validateEventsV1(e: Obj, old: Obj | undefined): FieldError[] {
  const errs = legacy(e, true);
  if (!old) {
    errs.push(...validateMeta(e, isDNS1123Subdomain, true), ...series(e));
    if (!e.eventTime) errs.push(fieldErr.required('eventTime'));
    if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(fieldErr.invalid('type', '', `has invalid value: ${String(e.type ?? '')}`));
    if (e.firstTimestamp) errs.push(fieldErr.invalid('firstTimestamp', '', 'needs to be unset'));
    if (e.lastTimestamp) errs.push(fieldErr.invalid('lastTimestamp', '', 'needs to be unset'));
    if (e.count) errs.push(fieldErr.invalid('count', '', 'needs to be unset'));
    if (isObj(e.source) && (e.source.component || e.source.host)) errs.push(fieldErr.invalid('source', '', 'needs to be unset'));
    return errs;
  }
  errs.push(...validateMetaUpdate(e, old));
  if (!deepEqual(e.series, old.series)) errs.push(...series(e));
  const immutable = ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'action', 'related', 'reportingComponent', 'reportingInstance'];
  for (const f of immutable) if (!deepEqual(e[f], old[f])) errs.push(fieldErr.invalid(f, e[f] ?? '', 'field is immutable'));
  return errs;
}

export const eventFields: Record<string, (o: Obj) => string | undefined> = {
  'involvedObject.kind': (o) => sub(o.involvedObject, 'kind'),
  'involvedObject.namespace': (o) => sub(o.involvedObject, 'namespace'),
  'involvedObject.name': (o) => sub(o.involvedObject, 'name'),
  'involvedObject.uid': (o) => sub(o.involvedObject, 'uid'),
  'involvedObject.apiVersion': (o) => sub(o.involvedObject, 'apiVersion'),
  'involvedObject.resourceVersion': (o) => sub(o.involvedObject, 'resourceVersion'),
  'involvedObject.fieldPath': (o) => sub(o.involvedObject, 'fieldPath'),
  reason: (o) => str(o.reason) ?? '',
  reportingComponent: (o) => str(o.reportingComponent) ?? '',
  source: (o) => sub(o.source, 'component'),
  type: (o) => str(o.type) ?? '',
};

const sub = (v: unknown, k: string): string => (isObj(v) ? (str(v[k]) ?? '') : '');

/** The same selectable fields under events.k8s.io names (the view is converted before matching). */
export const eventsV1Fields: Record<string, (o: Obj) => string | undefined> = {
  'regarding.kind': (o) => sub(o.regarding, 'kind'),
  'regarding.namespace': (o) => sub(o.regarding, 'namespace'),
  'regarding.name': (o) => sub(o.regarding, 'name'),
  'regarding.uid': (o) => sub(o.regarding, 'uid'),
  'regarding.apiVersion': (o) => sub(o.regarding, 'apiVersion'),
  'regarding.resourceVersion': (o) => sub(o.regarding, 'resourceVersion'),
  'regarding.fieldPath': (o) => sub(o.regarding, 'fieldPath'),
  reason: (o) => str(o.reason) ?? '',
  reportingController: (o) => str(o.reportingController) ?? '',
  type: (o) => str(o.type) ?? '',
};
