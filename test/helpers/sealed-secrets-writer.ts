/**
 * An independent sealed-secrets writer for tests: seals like kubeseal
 * (pkg/crypto/crypto.go HybridEncrypt) without sharing code with
 * migrate/sealed-secrets. AES-256-GCM comes from @noble/ciphers; RSA-OAEP is
 * either node:crypto's publicEncrypt, or, when an OAEP seed is given, the
 * OAEP encoding done by hand (RFC 8017 §7.1.1, SHA-256, MGF1-SHA-256) and a
 * raw RSA operation, so a vector can be fully deterministic.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { constants, createHash, generateKeyPairSync, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { stringify } from 'yaml';

export interface SealingKey {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  /** PKCS#1 "RSA PRIVATE KEY" PEM. */
  readonly pkcs1: string;
  /** PKCS#8 "PRIVATE KEY" PEM. */
  readonly pkcs8: string;
  /** The controller's key Secret, as `kubectl get secret -o yaml` prints it. */
  readonly secretYaml: string;
}

/** The controller makes 4096-bit keys; tests use 2048 for speed. */
export function makeSealingKey(bits = 4096): SealingKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const secretYaml = stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: 'sealed-secrets-keyabcde', namespace: 'kube-system', labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } },
    data: { 'tls.crt': Buffer.from('not a real certificate').toString('base64'), 'tls.key': Buffer.from(pkcs1).toString('base64') },
  });
  return { publicKey, privateKey, pkcs1, pkcs8, secretYaml };
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

function mgf1(seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  for (let c = 0; out.length * 32 < length; c++) {
    const ctr = Buffer.alloc(4);
    ctr.writeUInt32BE(c);
    out.push(sha256(Buffer.concat([seed, ctr])));
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RSA-OAEP(SHA-256) by hand with a chosen seed: EM = 0x00 || maskedSeed || maskedDB, then raw RSA. */
export function oaepEncryptWithSeed(publicKey: KeyObject, message: Uint8Array, label: Uint8Array, seed: Uint8Array): Buffer {
  const k = (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const hLen = 32;
  if (seed.length !== hLen || message.length > k - 2 * hLen - 2) throw new Error('bad OAEP input');
  const db = Buffer.concat([sha256(label), Buffer.alloc(k - message.length - 2 * hLen - 2), Buffer.from([1]), message]);
  const dbMask = mgf1(seed, db.length);
  const maskedDb = Buffer.from(db.map((b, i) => b ^ dbMask[i]!));
  const seedMask = mgf1(maskedDb, hLen);
  const maskedSeed = Buffer.from(seed.map((b, i) => b ^ seedMask[i]!));
  const em = Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
  return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, em);
}

export interface SealOptions {
  /** The 32-byte session key; random when absent. */
  readonly sessionKey?: Uint8Array;
  /** A 32-byte OAEP seed: deterministic RSA part. */
  readonly oaepSeed?: Uint8Array;
}

/** HybridEncrypt: uint16be len(rsa) || rsa || AES-256-GCM(zero nonce) ciphertext+tag. */
export function hybridEncrypt(publicKey: KeyObject, plaintext: Uint8Array, label: Uint8Array, opts: SealOptions = {}): Buffer {
  const sessionKey = opts.sessionKey ?? randomBytes(32);
  const rsa = opts.oaepSeed
    ? oaepEncryptWithSeed(publicKey, sessionKey, label, opts.oaepSeed)
    : publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, sessionKey);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(rsa.length);
  const aes = gcm(sessionKey, new Uint8Array(12)).encrypt(plaintext);
  return Buffer.concat([len, rsa, aes]);
}

export type Scope = 'strict' | 'namespace-wide' | 'cluster-wide';

export function labelFor(scope: Scope, namespace: string, name: string): Buffer {
  return Buffer.from(scope === 'cluster-wide' ? '' : scope === 'namespace-wide' ? namespace : `${namespace}/${name}`);
}

export interface SecretToSeal {
  readonly name: string;
  readonly namespace?: string;
  readonly scope?: Scope;
  readonly type?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly data: Record<string, string | Uint8Array>;
  /** Seal with this label instead of the scope's (a SealedSecret moved after sealing). */
  readonly labelOverride?: { namespace: string; name: string };
}

/** A SealedSecret object as kubeseal writes it (scope annotations on the object and its template). */
export function sealSecret(publicKey: KeyObject, s: SecretToSeal, opts: SealOptions = {}): Record<string, unknown> {
  const scope = s.scope ?? 'strict';
  const scopeAnno: Record<string, string> =
    scope === 'cluster-wide' ? { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } : scope === 'namespace-wide' ? { 'sealedsecrets.bitnami.com/namespace-wide': 'true' } : {};
  const label = labelFor(scope, s.labelOverride?.namespace ?? s.namespace ?? '', s.labelOverride?.name ?? s.name);
  const encryptedData: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.data)) encryptedData[k] = hybridEncrypt(publicKey, typeof v === 'string' ? Buffer.from(v) : v, label, opts).toString('base64');
  const meta: Record<string, unknown> = { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) };
  const tmeta: Record<string, unknown> = { ...meta };
  if (s.labels) tmeta.labels = s.labels;
  const tAnno = { ...(s.annotations ?? {}), ...scopeAnno };
  if (Object.keys(tAnno).length) tmeta.annotations = tAnno;
  if (Object.keys(scopeAnno).length) meta.annotations = scopeAnno;
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: meta,
    spec: { encryptedData, template: { metadata: tmeta, ...(s.type ? { type: s.type } : {}) } },
  };
}

/** The old format: the whole Secret as JSON sealed into spec.data. */
export function sealSecretV1(publicKey: KeyObject, s: SecretToSeal): Record<string, unknown> {
  const scope = s.scope ?? 'strict';
  const data = Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: s.name, namespace: s.namespace, labels: s.labels }, type: s.type, data };
  const blob = hybridEncrypt(publicKey, Buffer.from(JSON.stringify(secret)), labelFor(scope, s.namespace ?? '', s.name));
  const anno = scope === 'cluster-wide' ? { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } : scope === 'namespace-wide' ? { 'sealedsecrets.bitnami.com/namespace-wide': 'true' } : undefined;
  return { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: s.name, namespace: s.namespace, ...(anno ? { annotations: anno } : {}) }, spec: { data: blob.toString('base64') } };
}

export const toYamlStream = (objs: readonly Record<string, unknown>[]): string => objs.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
