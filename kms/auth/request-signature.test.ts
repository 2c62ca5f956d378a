import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../core/bytes.js';
import { errorOf } from '../../test/helpers/errors.js';
import { AuthFailure, type AuthRequest } from './types.js';
import { parseAuthConfig } from './config.js';
import {
  RequestSignatureAuthenticator,
  generateSigningKey,
  loadSigningKey,
  parseSignatureHeader,
  signRequest,
  signingInput,
} from './request-signature.js';

const aliceKey = generateSigningKey();
const bobKey = generateSigningKey();
const alice = loadSigningKey(aliceKey.privatePem);
const bob = loadSigningKey(bobKey.privatePem);
const T0 = Date.UTC(2030, 0, 1);
const BODY = utf8('{"clientKey":"x","items":[]}');

function authenticator(opts: { maxSkew?: number; replayCacheSize?: number } = {}): RequestSignatureAuthenticator {
  const c = parseAuthConfig({ ed25519: { keys: { alice: aliceKey.publicKey, bob: bobKey.publicKey }, ...opts } });
  return new RequestSignatureAuthenticator(c.ed25519!);
}

function signed(over: Partial<{ method: string; path: string; body: Uint8Array; keyId: string; now: number; nonce: string; key: typeof alice }> = {}): string {
  return signRequest({
    method: over.method ?? 'POST',
    path: over.path ?? '/v1/rewrap',
    body: over.body ?? BODY,
    keyId: over.keyId ?? 'alice',
    privateKey: (over.key ?? alice).keyObject,
    now: over.now ?? T0,
    ...(over.nonce ? { nonce: over.nonce } : {}),
  });
}

const sha256Of = (body: Uint8Array) => async (): Promise<Uint8Array> => createHash('sha256').update(body).digest();

function request(authorization: string | undefined, over: Partial<AuthRequest> = {}): AuthRequest {
  return { method: 'POST', path: '/v1/rewrap', headers: authorization === undefined ? {} : { authorization }, bodySha256: sha256Of(BODY), now: T0, ...over };
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'success';
  } catch (e) {
    if (e instanceof AuthFailure) return e.reason;
    throw e;
  }
}

describe('developer keys', () => {
  it('generate and load round trip to the same public key', () => {
    expect(aliceKey.publicKey).toMatch(/^ed25519:[A-Za-z0-9_-]{43}$/);
    expect(alice.publicKey).toBe(aliceKey.publicKey);
    expect(alice.keyObject.asymmetricKeyType).toBe('ed25519');
  });

  it('loadSigningKey refuses other keys with E_KEYSTORE and does not quote the input', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const pem of [rsa, 'not a pem', aliceKey.privatePem.replace('PRIVATE', 'PUBLIC')]) {
      const e = errorOf(() => loadSigningKey(pem));
      expect(e.code).toBe('E_KEYSTORE');
      if (pem.length > 60) expect(e.message).not.toContain(pem.slice(30, 60));
    }
  });
});

describe('signRequest', () => {
  it('signs exactly the documented string', () => {
    const nonce = 'AAAAAAAAAAAAAAAAAAAAAA';
    expect(Buffer.from(signingInput('post', '/v1/rewrap?x=1', 1893456000, nonce, utf8('{}'))).toString()).toBe(
      `gitseal-request-v1\nPOST\n/v1/rewrap?x=1\n1893456000\n${nonce}\nRBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o`,
    );
    const header = signRequest({ method: 'POST', path: '/v1/rewrap?x=1', body: utf8('{}'), keyId: 'alice', privateKey: alice.keyObject, now: 1893456000_999, nonce });
    const m = /^Gitseal-Ed25519 keyId=alice,ts=1893456000,nonce=(AAAAAAAAAAAAAAAAAAAAAA),sig=([A-Za-z0-9_-]{86})$/.exec(header);
    expect(m).not.toBeNull();
    const pub = alice.keyObject; // node verifies with the private key's public half
    expect(verify(null, signingInput('POST', '/v1/rewrap?x=1', 1893456000, nonce, utf8('{}')), pub, Buffer.from(m![2]!, 'base64url'))).toBe(true);
  });

  it('draws a fresh 22-character nonce for each request', () => {
    const a = parseSignatureHeader(signed())!;
    const b = parseSignatureHeader(signed())!;
    expect(a.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it('refuses key ids, paths, methods and nonces that would break the header or the signed string', () => {
    expect(() => signed({ keyId: 'a,b' })).toThrow(TypeError);
    expect(() => signed({ path: '/v1/rewrap\nPOST' })).toThrow(TypeError);
    expect(() => signed({ path: 'v1/rewrap' })).toThrow(TypeError);
    expect(() => signed({ method: 'PO ST' })).toThrow(TypeError);
    expect(() => signed({ nonce: 'short' })).toThrow(TypeError);
  });
});

describe('RequestSignatureAuthenticator', () => {
  it('accepts a valid signed request as dev:KEYID', async () => {
    await expect(authenticator().authenticate(request(signed()))).resolves.toEqual({ subject: 'dev:alice', method: 'ed25519' });
    await expect(authenticator().authenticate(request(signed({ keyId: 'bob', key: bob })))).resolves.toEqual({ subject: 'dev:bob', method: 'ed25519' });
  });

  it('returns null for requests without its scheme', async () => {
    const a = authenticator();
    expect(await a.authenticate(request(undefined))).toBeNull();
    expect(await a.authenticate(request('Bearer abc.def.ghi'))).toBeNull();
    expect(await a.authenticate(request('Gitseal-Ed25519x keyId=alice'))).toBeNull();
  });

  it('accepts the scheme name in any case', async () => {
    expect(await reasonOf(authenticator().authenticate(request(signed().replace('Gitseal-Ed25519', 'gitseal-ed25519'))))).toBe('success');
  });

  it('refuses a tampered body, path or method', async () => {
    const a = authenticator();
    expect(await reasonOf(a.authenticate(request(signed(), { bodySha256: sha256Of(utf8('{"clientKey":"y","items":[]}')) })))).toBe('signature');
    expect(await reasonOf(a.authenticate(request(signed(), { path: '/v1/keys/rotate' })))).toBe('signature');
    expect(await reasonOf(a.authenticate(request(signed(), { method: 'PUT' })))).toBe('signature');
  });

  it('refuses a signature by the wrong key', async () => {
    expect(await reasonOf(authenticator().authenticate(request(signed({ keyId: 'alice', key: bob }))))).toBe('signature');
  });

  it('refuses an unknown key id', async () => {
    expect(await reasonOf(authenticator().authenticate(request(signed({ keyId: 'mallory' }))))).toBe('unknown_key');
  });

  it('refuses a timestamp outside ±maxSkew and accepts one inside', async () => {
    const a = authenticator({ maxSkew: 300 });
    expect(await reasonOf(a.authenticate(request(signed({ now: T0 - 301_000 }))))).toBe('clock');
    expect(await reasonOf(a.authenticate(request(signed({ now: T0 + 301_000 }))))).toBe('clock');
    expect(await reasonOf(a.authenticate(request(signed({ now: T0 - 299_000 }))))).toBe('success');
    expect(await reasonOf(a.authenticate(request(signed({ now: T0 + 299_000 }))))).toBe('success');
  });

  it('refuses a replayed request, even seconds later', async () => {
    const a = authenticator();
    const header = signed();
    expect(await reasonOf(a.authenticate(request(header)))).toBe('success');
    expect(await reasonOf(a.authenticate(request(header)))).toBe('replay');
    expect(await reasonOf(a.authenticate(request(header, { now: T0 + 299_000 })))).toBe('replay');
    // Same nonce under another key is another request.
    const nonce = parseSignatureHeader(header)!.nonce;
    expect(await reasonOf(a.authenticate(request(signed({ keyId: 'bob', key: bob, nonce }))))).toBe('success');
  });

  it('does not let forged requests fill the replay cache', async () => {
    const a = authenticator({ replayCacheSize: 2 });
    for (let i = 0; i < 5; i++) expect(await reasonOf(a.authenticate(request(signed({ key: bob }))))).toBe('signature');
    expect(await reasonOf(a.authenticate(request(signed())))).toBe('success');
  });

  it('keeps the replay cache bounded: refuses when full, recovers when the window passes', async () => {
    const a = authenticator({ maxSkew: 5, replayCacheSize: 3 });
    for (let i = 0; i < 3; i++) expect(await reasonOf(a.authenticate(request(signed())))).toBe('success');
    expect(await reasonOf(a.authenticate(request(signed())))).toBe('busy');
    const later = T0 + 7_000;
    expect(await reasonOf(a.authenticate(request(signed({ now: later }), { now: later })))).toBe('success');
  });

  it.each([
    ['no parameters', 'Gitseal-Ed25519 '],
    ['missing sig', () => signed().replace(/,sig=.*$/, '')],
    ['duplicate keyId', () => signed().replace('keyId=alice,', 'keyId=alice,keyId=bob,')],
    ['unknown parameter', () => `${signed()},extra=1`],
    ['short nonce', () => signed().replace(/nonce=[^,]+/, 'nonce=abc')],
    ['non-numeric ts', () => signed().replace(/ts=\d+/, 'ts=1e9')],
    ['sig of the wrong length', () => signed().replace(/sig=.*$/, 'sig=AAAA')],
    ['sig not base64url', () => signed().replace(/sig=.{4}/, 'sig=+/+/')],
  ])('refuses a malformed header: %s', async (_, make) => {
    const h = typeof make === 'string' ? make : make();
    expect(await reasonOf(authenticator().authenticate(request(h)))).toBe('malformed');
  });
});
