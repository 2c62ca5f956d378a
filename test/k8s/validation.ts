/**
 * apimachinery's name and ObjectMeta validation, with its messages:
 * DNS-1123 names, qualified names (label keys, finalizers), label values,
 * config keys, owner references, and what an update may not change.
 */
import { fieldErr, type FieldError, type Obj } from './errors.js';
import { isObj } from './schema.js';
import { deepEqual, metaOf, str } from './values.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

export function isDNS1123Subdomain(v: string): string[] {
  const out: string[] = [];
  if (v.length > 253) out.push('must be no more than 253 characters');
  if (!SUBDOMAIN.test(v)) out.push(SUBDOMAIN_MSG);
  return out;
}

export function isDNS1123Label(v: string): string[] {
  const out: string[] = [];
  if (v.length > 63) out.push('must be no more than 63 characters');
  if (!LABEL.test(v)) out.push(LABEL_MSG);
  return out;
}

export function isQualifiedName(v: string): string[] {
  const parts = v.split('/');
  let name = v;
  const out: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else out.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME.test(name)) out.push(QUALIFIED_MSG);
  return out;
}

export function isLabelValue(v: string): string[] {
  const out: string[] = [];
  if (v.length > 63) out.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(v)) out.push(LABEL_VALUE_MSG);
  return out;
}

export function isConfigMapKey(v: string): string[] {
  const out: string[] = [];
  if (v.length > 253) out.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(v)) out.push(CONFIG_KEY_MSG);
  if (v === '.') out.push("must not be '.'");
  else if (v === '..') out.push("must not be '..'");
  else if (v.startsWith('..')) out.push("must not start with '..'");
  return out;
}

export type NameCheck = (name: string) => string[];

const ANNOTATIONS_MAX = 256 * 1024;

/** A generateName is checked as a prefix: a trailing '-' is fine. */
const maskTrailingDash = (name: string): string => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);

/** ValidateObjectMeta: the name (by the kind's rule), labels, annotations, owner references, finalizers. */
export function validateMeta(obj: Obj, nameCheck: NameCheck, namespaced: boolean): FieldError[] {
  const m = metaOf(obj);
  const errs: FieldError[] = [];
  const generateName = str(m.generateName) ?? '';
  if (generateName) for (const msg of nameCheck(maskTrailingDash(generateName))) errs.push(fieldErr.invalid('metadata.generateName', generateName, msg));
  const name = str(m.name) ?? '';
  if (!name) errs.push(fieldErr.required('metadata.name', 'name or generateName is required'));
  else for (const msg of nameCheck(name)) errs.push(fieldErr.invalid('metadata.name', name, msg));
  if (namespaced && !str(m.namespace)) errs.push(fieldErr.required('metadata.namespace'));
  if (isObj(m.labels)) {
    for (const [k, v] of Object.entries(m.labels)) {
      for (const msg of isQualifiedName(k)) errs.push(fieldErr.invalid('metadata.labels', k, msg));
      if (typeof v !== 'string') continue;
      for (const msg of isLabelValue(v)) errs.push(fieldErr.invalid('metadata.labels', v, msg));
    }
  }
  if (isObj(m.annotations)) {
    let size = 0;
    for (const [k, v] of Object.entries(m.annotations)) {
      for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErr.invalid('metadata.annotations', k, msg));
      size += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    }
    if (size > ANNOTATIONS_MAX) errs.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: `Too long: must have at most ${ANNOTATIONS_MAX} bytes` });
  }
  errs.push(...validateOwnerRefs(m.ownerReferences));
  if (Array.isArray(m.finalizers)) {
    m.finalizers.forEach((f, i) => {
      const field = `metadata.finalizers[${i}]`;
      if (typeof f !== 'string') return;
      for (const msg of isQualifiedName(f)) errs.push(fieldErr.invalid(field, f, msg));
    });
  }
  return errs;
}

let pointer = 0xc000010000;

/** Go's %#v of a []v1.OwnerReference, as the "only one controller" message prints it (pointers vary per request). */
function goSyntax(refs: Obj[]): string {
  const ptr = (v: unknown): string => (typeof v === 'boolean' ? `(*bool)(0x${(pointer += 0x11).toString(16)})` : '(*bool)(nil)');
  const one = (r: Obj): string =>
    `v1.OwnerReference{APIVersion:${JSON.stringify(String(r.apiVersion ?? ''))}, Kind:${JSON.stringify(String(r.kind ?? ''))}, Name:${JSON.stringify(String(r.name ?? ''))}, UID:${JSON.stringify(String(r.uid ?? ''))}, Controller:${ptr(r.controller)}, BlockOwnerDeletion:${ptr(r.blockOwnerDeletion)}}`;
  return `[]v1.OwnerReference{${refs.map(one).join(', ')}}`;
}

/** ValidateOwnerReferences; its field paths have no index. */
function validateOwnerRefs(refs: unknown): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldError[] = [];
  const all = refs.filter(isObj);
  const p = 'metadata.ownerReferences';
  let firstController = '';
  for (const r of all) {
    if (!str(r.apiVersion)?.split('/').pop()) errs.push(fieldErr.invalid(`${p}.apiVersion`, r.apiVersion ?? '', 'version must not be empty'));
    if (!str(r.kind)) errs.push(fieldErr.invalid(`${p}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (!str(r.name)) errs.push(fieldErr.invalid(`${p}.name`, r.name ?? '', 'name must not be empty'));
    if (!str(r.uid)) errs.push(fieldErr.invalid(`${p}.uid`, r.uid ?? '', 'uid must not be empty'));
    if (r.controller !== true) continue;
    const current = `${String(r.kind)}/${String(r.name)}`;
    if (!firstController) firstController = current;
    else {
      const why = `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`;
      errs.push(fieldErr.invalidGo(p, goSyntax(all), why));
    }
  }
  return errs;
}

/** ValidateObjectMetaUpdate: identity is immutable; no new finalizers once deletion started. */
export function validateMetaUpdate(next: Obj, old: Obj): FieldError[] {
  const n = metaOf(next);
  const o = metaOf(old);
  const errs: FieldError[] = [];
  for (const f of ['name', 'namespace', 'uid'] as const) {
    if (!deepEqual(n[f], o[f])) errs.push(fieldErr.invalid(`metadata.${f}`, n[f] ?? '', 'field is immutable'));
  }
  if (o.deletionTimestamp && Array.isArray(n.finalizers)) {
    const before = new Set(Array.isArray(o.finalizers) ? o.finalizers : []);
    if (n.finalizers.some((f) => !before.has(f))) errs.push(fieldErr.forbidden('metadata.finalizers', 'no new finalizers can be added if the object is being deleted'));
  }
  return errs;
}
