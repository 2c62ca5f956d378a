/**
 * What Kubernetes would refuse in a Secret, checked before encryption so a
 * mistake surfaces at commit time rather than in the cluster. Messages name
 * keys, never values.
 */
import { fail } from '../errors.js';
import type { ObjectIdentity } from './scope.js';
import { isRecord } from '../is-record.js';

export const SECRET_MAX_BYTES = 1024 * 1024;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;


export function isSecretManifest(obj: unknown): boolean {
  return isRecord(obj) && obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

export function isValidSecretName(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

export function isValidNamespace(ns: string): boolean {
  return ns.length <= 63 && DNS1123_LABEL.test(ns);
}

export function isValidDataKey(key: string): boolean {
  return key.length <= 253 && DATA_KEY.test(key) && key !== '.' && key !== '..';
}

/** Validates a plaintext Secret manifest and returns its name and namespace. Throws E_SECRET_INVALID or E_TOO_LARGE. */
export function checkSecret(obj: Record<string, unknown>): ObjectIdentity {
  const md = isRecord(obj.metadata) ? obj.metadata : fail('E_SECRET_INVALID', 'the Secret has no metadata: add metadata.name');
  const { name, namespace } = md;
  if (typeof name !== 'string' || !isValidSecretName(name))
    fail('E_SECRET_INVALID', 'metadata.name must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", at most 253 characters');
  if (namespace !== undefined && (typeof namespace !== 'string' || !isValidNamespace(namespace)))
    fail('E_SECRET_INVALID', 'metadata.namespace must be a DNS-1123 label: lower-case letters, digits and "-", at most 63 characters');
  if (obj.type !== undefined && typeof obj.type !== 'string') fail('E_SECRET_INVALID', 'type must be a string such as Opaque');
  if (obj.immutable !== undefined && typeof obj.immutable !== 'boolean') fail('E_SECRET_INVALID', 'immutable must be true or false');
  let size = 0;
  for (const field of ['data', 'stringData'] as const) {
    const map = obj[field];
    if (map === undefined || map === null) continue;
    if (!isRecord(map)) fail('E_SECRET_INVALID', `${field} must be a mapping of keys to strings`);
    for (const [key, value] of Object.entries(map)) {
      if (!isValidDataKey(key)) fail('E_SECRET_INVALID', `${field} key "${key}" is not valid: use letters, digits, "-", "_" and "."`);
      if (typeof value !== 'string') fail('E_SECRET_INVALID', `${field}.${key} must be a string: quote the value`);
      if (field === 'data') {
        const compact = value.replace(/\s+/g, '');
        if (!BASE64.test(compact)) fail('E_SECRET_INVALID', `data.${key} is not valid base64: put plain text under stringData instead`);
        size += Buffer.byteLength(compact, 'base64');
      } else size += Buffer.byteLength(value, 'utf8');
    }
  }
  if (size > SECRET_MAX_BYTES) fail('E_TOO_LARGE', `the Secret's data is ${size} bytes; Kubernetes allows at most ${SECRET_MAX_BYTES}`);
  return { name: name as string, namespace: namespace as string | undefined };
}
