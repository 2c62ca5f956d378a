/**
 * The strategies of the core kinds a controller touches: Secret (keys,
 * base64, stringData, the 1 MiB limit, per-type required keys,
 * immutability), ConfigMap, Lease and Namespace, as pkg/apis/core and
 * pkg/apis/coordination validate them.
 */
import { decodeTyped } from './decode.js';
import { fieldErr, type FieldError, type Obj } from './errors.js';
import { isObj } from './schema.js';
import { deepEqual, meta, str, stringMap } from './values.js';
import { isConfigMapKey } from './validation.js';

export const MAX_SECRET_SIZE = 1024 * 1024;

export function decodeSecret(o: Obj): void {
  decodeTyped(o, 'Secret', 'v1', { data: 'bytesMap', stringData: 'stringMap', type: 'string', immutable: 'bool' });
  if (isObj(o.stringData)) {
    const data = isObj(o.data) ? o.data : {};
    for (const [k, v] of Object.entries(stringMap(o.stringData))) data[k] = Buffer.from(v, 'utf8').toString('base64');
    o.data = data;
  }
  delete o.stringData;
  if (!str(o.type)) o.type = 'Opaque';
}

const decodedSize = (b64: unknown): number => (typeof b64 === 'string' ? Buffer.from(b64, 'base64').length : 0);

function keyErrors(map: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isObj(map)) for (const k of Object.keys(map)) for (const msg of isConfigMapKey(k)) errs.push(fieldErr.invalid(`${path}[${k}]`, k, msg));
  return errs;
}

function immutability(o: Obj, old: Obj | undefined, dataFields: string[]): FieldError[] {
  if (!old || old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (o.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of dataFields) {
    if (!deepEqual(o[f] ?? {}, old[f] ?? {})) errs.push(fieldErr.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

/** ValidateSecretUpdate's order: what an update may not change, then ValidateSecret. */
export function validateSecret(o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (old) {
    if (old.type !== o.type) errs.push(fieldErr.invalid('type', o.type, 'field is immutable'));
    errs.push(...immutability(o, old, ['data']));
  }
  errs.push(...keyErrors(o.data, 'data'));
  const data = isObj(o.data) ? o.data : {};
  const total = Object.values(data).reduce((n: number, v) => n + decodedSize(v), 0);
  if (total > MAX_SECRET_SIZE) errs.push(fieldErr.tooLong('data', MAX_SECRET_SIZE));
  const type = str(o.type) ?? 'Opaque';
  if (type === 'kubernetes.io/service-account-token') {
    const ann = stringMap(meta(o).annotations);
    if (!ann['kubernetes.io/service-account.name']) errs.push(fieldErr.required('metadata.annotations[kubernetes.io/service-account.name]'));
  } else if (type === 'kubernetes.io/basic-auth') {
    if (!('username' in data) && !('password' in data)) errs.push(fieldErr.required('data[username]'), fieldErr.required('data[password]'));
  } else {
    for (const k of REQUIRED_KEYS[type] ?? []) {
      if (!(k in data) || (type === 'kubernetes.io/ssh-auth' && decodedSize(data[k]) === 0)) errs.push(fieldErr.required(`data[${k}]`));
    }
    if (type === 'kubernetes.io/dockercfg' || type === 'kubernetes.io/dockerconfigjson') {
      const k = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const raw = data[k];
      if (typeof raw === 'string') {
        try {
          JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
        } catch (e) {
          errs.push(fieldErr.invalid(`data[${k}]`, '<secret contents redacted>', (e as Error).message));
        }
      }
    }
  }
  return errs;
}

export function decodeConfigMap(o: Obj): void {
  decodeTyped(o, 'ConfigMap', 'v1', { data: 'stringMap', binaryData: 'bytesMap', immutable: 'bool' });
}

export function validateConfigMap(o: Obj, old: Obj | undefined): FieldError[] {
  const errs = [...keyErrors(o.data, 'data'), ...keyErrors(o.binaryData, 'binaryData')];
  const data = stringMap(o.data);
  const bin = isObj(o.binaryData) ? o.binaryData : {};
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    total += Buffer.byteLength(v);
    if (k in bin) errs.push(fieldErr.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
  }
  for (const v of Object.values(bin)) total += decodedSize(v);
  if (total > MAX_SECRET_SIZE) errs.push(fieldErr.tooLong('', MAX_SECRET_SIZE));
  if (old) errs.push(...immutability(o, old, ['data', 'binaryData']));
  return errs;
}

export function decodeLease(o: Obj): void {
  decodeTyped(o, 'Lease', 'v1', {
    spec: 'object',
    'spec.holderIdentity': 'string',
    'spec.leaseDurationSeconds': 'int',
    'spec.acquireTime': 'microtime',
    'spec.renewTime': 'microtime',
    'spec.leaseTransitions': 'int',
    'spec.strategy': 'string',
    'spec.preferredHolder': 'string',
  }, { spec: 'LeaseSpec' });
}

export function validateLease(o: Obj): FieldError[] {
  const spec = isObj(o.spec) ? o.spec : {};
  const errs: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push(fieldErr.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) {
    errs.push(fieldErr.invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  return errs;
}

export function prepareNamespace(o: Obj): void {
  o.spec = { finalizers: ['kubernetes'] };
  o.status = { phase: 'Active' };
  const labels = isObj(meta(o).labels) ? (meta(o).labels as Obj) : {};
  labels['kubernetes.io/metadata.name'] = meta(o).name;
  meta(o).labels = labels;
}
