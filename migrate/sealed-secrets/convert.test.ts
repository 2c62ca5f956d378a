import { createPrivateKey, privateDecrypt, constants } from 'node:crypto';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { codeOf, errorOf } from '../../test/helpers/errors.js';
import { hybridEncrypt, labelFor, makeSealingKey, oaepEncryptWithSeed, sealSecret, sealSecretV1, toYamlStream } from '../../test/helpers/sealed-secrets-writer.js';
import { decodeBase64Strict } from './base64.js';
import { unsealStream } from './convert.js';
import { hybridDecrypt } from './hybrid.js';
import { parseSealingKeys } from './keys.js';

const key = makeSealingKey(2048);
const other = makeSealingKey(2048);
const keys = [key.privateKey];
const CANARY = 'canary-Zq8vW3xK-plaintext';

const secretOf = (manifest: string) => parse(manifest) as { metadata: Record<string, unknown>; data: Record<string, string>; type?: string; immutable?: boolean };

describe('the sealed-secrets value format', () => {
  // Pinned AES part: session key 00..1f, zero 12-byte nonce, no AAD, value "correct horse battery staple"
  // (computed with node:crypto's AES-256-GCM; the writer uses @noble/ciphers).
  const sessionKey = Uint8Array.from({ length: 32 }, (_, i) => i);
  const AES_PART = '6dd3c7acd04ff79d60c7db467d0cf3f8a637332151a1135be1eedfe65b38dc223f68868e6cb0869b866ceb1d';
  const seed = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);

  it('is uint16be length || RSA-OAEP(SHA-256, label) session key || AES-GCM with a zero nonce', () => {
    const label = Buffer.from('prod/db');
    const blob = hybridEncrypt(key.publicKey, Buffer.from('correct horse battery staple'), label, { sessionKey, oaepSeed: seed });
    expect(blob.readUInt16BE(0)).toBe(256);
    expect(blob.subarray(2 + 256).toString('hex')).toBe(AES_PART);
    // The hand-made OAEP is deterministic and opens with node's OAEP: the RSA part is the session key under the label.
    expect(oaepEncryptWithSeed(key.publicKey, sessionKey, label, seed)).toEqual(blob.subarray(2, 258));
    const rsa = blob.subarray(2, 258);
    expect(privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, rsa)).toEqual(Buffer.from(sessionKey));
    const r = hybridDecrypt(blob, keys, label);
    expect(r.ok && Buffer.from(r.plaintext).toString()).toBe('correct horse battery staple');
    expect(hybridDecrypt(blob, keys, Buffer.from('prod/other'))).toEqual({ ok: false, reason: 'no-key' });
    expect(hybridDecrypt(blob, [other.privateKey], label)).toEqual({ ok: false, reason: 'no-key' });
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1]! ^= 1;
    expect(hybridDecrypt(flipped, keys, label)).toEqual({ ok: false, reason: 'tampered' });
    expect(hybridDecrypt(blob.subarray(0, 100), keys, label)).toEqual({ ok: false, reason: 'too-short' });
  });

  it('labels: strict "ns/name", namespace-wide "ns", cluster-wide empty', () => {
    expect(labelFor('strict', 'a', 'b').toString()).toBe('a/b');
    expect(labelFor('namespace-wide', 'a', 'b').toString()).toBe('a');
    expect(labelFor('cluster-wide', 'a', 'b').toString()).toBe('');
  });

  it('base64 is read strictly', () => {
    expect(decodeBase64Strict('aGk=')).toEqual(new Uint8Array([104, 105]));
    expect(decodeBase64Strict('aGk')).toBeNull();
    expect(decodeBase64Strict('a*k=')).toBeNull();
    expect(decodeBase64Strict('aGl=')).toBeNull();
  });
});

describe('unsealStream', () => {
  it('turns each scope into a Secret manifest with the same data bytes', () => {
    const binary = Uint8Array.from([0, 255, 1, 254, 10]);
    const text = toYamlStream([
      sealSecret(key.publicKey, { name: 'db', namespace: 'prod', type: 'Opaque', labels: { app: 'db' }, annotations: { note: 'x' }, data: { password: CANARY, bin: binary } }),
      sealSecret(key.publicKey, { name: 'ns', namespace: 'prod', scope: 'namespace-wide', data: { token: 't' } }),
      sealSecret(key.publicKey, { name: 'cw', scope: 'cluster-wide', data: { token: 'c' } }),
    ]);
    const out = unsealStream(text, keys);
    expect(out.map((s) => [s.sealingScope, s.scope])).toEqual([
      ['strict', 'strict'],
      ['namespace-wide', 'namespace'],
      ['cluster-wide', 'cluster'],
    ]);
    const db = secretOf(out[0]!.manifest);
    expect(db.metadata).toEqual({ name: 'db', namespace: 'prod', labels: { app: 'db' }, annotations: { note: 'x' } });
    expect(db.type).toBe('Opaque');
    expect(db.data).toEqual({ bin: Buffer.from(binary).toString('base64'), password: Buffer.from(CANARY).toString('base64') });
    // The scope annotations steer the controller only: dropped.
    expect(secretOf(out[1]!.manifest).metadata).toEqual({ name: 'ns', namespace: 'prod' });
    expect(secretOf(out[2]!.manifest).metadata).toEqual({ name: 'cw' });
  });

  it('tries every key (rotation) and reads the old spec.data format', () => {
    const a = sealSecret(other.publicKey, { name: 'a', namespace: 'n', data: { k: 'v1' } });
    const b = sealSecretV1(key.publicKey, { name: 'b', namespace: 'n', type: 'Opaque', data: { k: 'v2' } });
    const out = unsealStream(toYamlStream([a, b]), [key.privateKey, other.privateKey]);
    expect(secretOf(out[0]!.manifest).data).toEqual({ k: Buffer.from('v1').toString('base64') });
    expect(secretOf(out[1]!.manifest)).toMatchObject({ metadata: { name: 'b', namespace: 'n' }, type: 'Opaque', data: { k: Buffer.from('v2').toString('base64') } });
  });

  it('refuses every bad input with E_SEALED, naming the SealedSecret and never a value', () => {
    const good = () => sealSecret(key.publicKey, { name: 'db', namespace: 'prod', data: { password: CANARY } });
    const cases: Array<[string, string]> = [];
    const moved = good();
    (moved.metadata as Record<string, unknown>).namespace = 'staging';
    cases.push(['moved', toYamlStream([moved])]);
    const renamed = good();
    (renamed.metadata as Record<string, unknown>).name = 'other';
    cases.push(['renamed', toYamlStream([renamed])]);
    const badB64 = good();
    ((badB64.spec as Record<string, Record<string, string>>).encryptedData!).password = 'not*base64';
    cases.push(['base64', toYamlStream([badB64])]);
    const unknownScope = good();
    (unknownScope.metadata as Record<string, unknown>).annotations = { 'sealedsecrets.bitnami.com/galaxy-wide': 'true' };
    cases.push(['unknown scope', toYamlStream([unknownScope])]);
    const badValue = good();
    (badValue.metadata as Record<string, unknown>).annotations = { 'sealedsecrets.bitnami.com/namespace-wide': 'yes' };
    cases.push(['annotation value', toYamlStream([badValue])]);
    const noNs = sealSecret(key.publicKey, { name: 'db', data: { password: CANARY } });
    cases.push(['no namespace', toYamlStream([noNs])]);
    cases.push(['plain Secret', toYamlStream([good(), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, stringData: { a: CANARY } }])]);
    const templated = good();
    ((templated.spec as Record<string, Record<string, unknown>>).template!).data = { url: 'x' };
    cases.push(['template data', toYamlStream([templated])]);
    const tampered = good();
    const enc = (tampered.spec as Record<string, Record<string, string>>).encryptedData!;
    const bytes = Buffer.from(enc.password!, 'base64');
    bytes[bytes.length - 3]! ^= 0x40;
    enc.password = bytes.toString('base64');
    cases.push(['tampered', toYamlStream([tampered])]);
    for (const [what, text] of cases) {
      const e = errorOf(() => unsealStream(text, keys));
      expect(e.code, what).toBe('E_SEALED');
      expect(e.message, what).not.toContain(CANARY);
    }
    const wrongKey = errorOf(() => unsealStream(toYamlStream([good()]), [other.privateKey]));
    expect(wrongKey.code).toBe('E_SEALED');
    expect(wrongKey.message).toContain('prod/db');
    expect(wrongKey.message).not.toContain(CANARY);
  });
});

describe('parseSealingKeys', () => {
  it('reads PKCS#1, PKCS#8 and the controller key Secret', () => {
    for (const text of [key.pkcs1, key.pkcs8, key.secretYaml, `apiVersion: v1\nkind: List\nitems:\n  - ${JSON.stringify(parse(key.secretYaml))}\n`]) {
      const [k] = parseSealingKeys(text, 'k');
      expect(k!.export({ type: 'pkcs8', format: 'pem' })).toEqual(key.pkcs8);
    }
    expect(parseSealingKeys(key.pkcs1 + other.pkcs8, 'k')).toHaveLength(2);
    expect(createPrivateKey(key.pkcs1).asymmetricKeyType).toBe('rsa');
  });

  it('refuses files without an RSA private key', () => {
    expect(codeOf(() => parseSealingKeys('hello: world\n', 'k'))).toBe('E_SEALED');
    expect(codeOf(() => parseSealingKeys(key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'k'))).toBe('E_SEALED');
    expect(codeOf(() => parseSealingKeys('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'k'))).toBe('E_SEALED');
  });
});
