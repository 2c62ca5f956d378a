/**
 * The sealed-secrets controller's private keys: PEM blocks (PKCS#1
 * "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"), or the controller's key
 * Secret(s) as `kubectl get secret -o yaml` prints them (a `kind: Secret`
 * of type kubernetes.io/tls, or a `kind: List` of them) with `data."tls.key"`.
 * Messages name the source, never key material.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { fail } from '../../core/errors.js';
import { parsePlainStream } from '../../core/format/yaml-store.js';
import { decodeBase64Strict } from './base64.js';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

function keysFromPem(text: string, source: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const type = m[1]!;
    if (type !== 'RSA PRIVATE KEY' && type !== 'PRIVATE KEY') continue;
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: m[0], format: 'pem' });
    } catch {
      return fail('E_SEALED', `${source}: a ${type} block cannot be read (encrypted keys are not supported: decrypt it with openssl first)`);
    }
    if (key.asymmetricKeyType !== 'rsa') fail('E_SEALED', `${source}: a private key is ${key.asymmetricKeyType ?? 'not RSA'}; sealed-secrets keys are RSA`);
    keys.push(key);
  }
  return keys;
}

function secretsOf(value: unknown): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const o = value as Record<string, unknown>;
  if (o.kind === 'List' && Array.isArray(o.items)) return o.items.flatMap(secretsOf);
  return o.kind === 'Secret' ? [o] : [];
}

/** Every RSA private key in a key file; throws E_SEALED when it holds none. */
export function parseSealingKeys(text: string, source: string): KeyObject[] {
  let keys: KeyObject[];
  if (text.includes('-----BEGIN ')) keys = keysFromPem(text, source);
  else {
    let docs: unknown[];
    try {
      docs = parsePlainStream(text).map((p) => p.toJS());
    } catch {
      return fail('E_SEALED', `${source} is neither a PEM private key nor a YAML/JSON Secret`);
    }
    keys = [];
    for (const s of docs.flatMap(secretsOf)) {
      const data = s.data as Record<string, unknown> | undefined;
      const tlsKey = typeof data === 'object' && data !== null ? data['tls.key'] : undefined;
      if (typeof tlsKey !== 'string') continue;
      const pem = decodeBase64Strict(tlsKey);
      if (!pem) fail('E_SEALED', `${source}: data."tls.key" is not valid base64`);
      keys.push(...keysFromPem(Buffer.from(pem).toString('utf8'), source));
    }
  }
  if (keys.length === 0) fail('E_SEALED', `${source} holds no RSA private key (expected a PEM "RSA PRIVATE KEY"/"PRIVATE KEY", or the controller's Secret with data."tls.key")`);
  return keys;
}
