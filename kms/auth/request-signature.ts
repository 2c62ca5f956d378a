/**
 * Developer keys signing each request (docs/ARCHITECTURE.md#who-may-ask,
 * schemas/rewrap.openapi.yaml `requestSignature`): both the client's
 * `signRequest` and the service's authenticator.
 *
 *   Authorization: Gitseal-Ed25519 keyId=alice,ts=<unix s>,nonce=<b64url>,sig=<b64url>
 *
 * The signature covers `gitseal-request-v1\n{METHOD}\n{path}\n{ts}\n{nonce}\n{b64url sha256(body)}`,
 * so neither the body, the path nor the method can be changed; the
 * timestamp bounds how long a request lives and the replay cache makes
 * each nonce good for one request within that time.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { fail } from '../../core/errors.js';
import { b64url, fromB64url, utf8 } from '../../core/bytes.js';
import { AuthFailure, type AuthRequest, type Authenticator, type Caller } from './types.js';
import type { Ed25519Config } from './config.js';
import { ReplayCache } from './replay-cache.js';

export const SCHEME = 'Gitseal-Ed25519';
export const SIGNING_CONTEXT = 'gitseal-request-v1';

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NONCE = /^[A-Za-z0-9_-]{22,128}$/;
const TS = /^[0-9]{1,12}$/;
const PATH = /^\/[\x21-\x7e]*$/;

/** The exact bytes signed for one request. */
export function signingInput(method: string, path: string, ts: number, nonce: string, body: Uint8Array): Uint8Array {
  return signingInputOf(method, path, ts, nonce, createHash('sha256').update(body).digest());
}

/** The same, from the body's SHA-256 (the service hashes the body as it arrives). */
function signingInputOf(method: string, path: string, ts: number, nonce: string, bodySha256: Uint8Array): Uint8Array {
  return utf8([SIGNING_CONTEXT, method.toUpperCase(), path, String(ts), nonce, b64url(bodySha256)].join('\n'));
}

export interface SignRequestInput {
  method: string;
  /** Path with query string, as it will stand on the request line. */
  path: string;
  body: Uint8Array;
  keyId: string;
  privateKey: KeyObject;
  /** Milliseconds since the epoch. */
  now: number;
  /** 22+ base64url characters; 16 random bytes when absent. */
  nonce?: string;
}

/** The `Authorization` header value for one request. Throws TypeError on a malformed key id, path or nonce. */
export function signRequest(i: SignRequestInput): string {
  if (!KEY_ID.test(i.keyId)) throw new TypeError('keyId must be 1-64 letters, digits, ".", "_" or "-"');
  if (!PATH.test(i.path)) throw new TypeError('path must start with "/" and hold no spaces or control characters');
  if (!/^[A-Za-z]+$/.test(i.method)) throw new TypeError('method must be an HTTP method name');
  const nonce = i.nonce ?? randomBytes(16).toString('base64url');
  if (!NONCE.test(nonce)) throw new TypeError('nonce must be 22-128 base64url characters');
  const ts = Math.floor(i.now / 1000);
  const sig = sign(null, signingInput(i.method, i.path, ts, nonce, i.body), i.privateKey);
  return `${SCHEME} keyId=${i.keyId},ts=${ts},nonce=${nonce},sig=${b64url(sig)}`;
}

// PKCS#8 DER header for the Ed25519 OID 1.3.101.112; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A new developer key: the PKCS#8 PEM to keep, and the 'ed25519:…' line for the service's config. */
export function generateSigningKey(): { privatePem: string; publicKey: string } {
  // A random seed imported, not generateKeyPairSync, whose keys can deadlock Node 20 in an export (see x25519Ephemeral).
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, randomBytes(32)]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  der.fill(0);
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKeyText(createPublicKey(privateKey)) };
}

/** Reads a developer key from PEM. Throws GitsealError E_KEYSTORE when it is not an unencrypted Ed25519 private key. */
export function loadSigningKey(pem: string): { keyObject: KeyObject; publicKey: string } {
  let keyObject: KeyObject | undefined;
  try {
    keyObject = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    keyObject = undefined; // the parser's message could quote the input
  }
  if (keyObject?.asymmetricKeyType !== 'ed25519') fail('E_KEYSTORE', 'the signing key is not an unencrypted Ed25519 private key in PEM');
  return { keyObject, publicKey: publicKeyText(createPublicKey(keyObject)) };
}

function publicKeyText(key: KeyObject): string {
  const x = key.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new TypeError('not an Ed25519 key');
  return `ed25519:${x}`;
}

interface SignatureHeader {
  keyId: string;
  ts: number;
  nonce: string;
  sig: Uint8Array;
}

/** The parts of a `Gitseal-Ed25519` header; null for another scheme; AuthFailure 'malformed' when broken. */
export function parseSignatureHeader(value: string): SignatureHeader | null {
  const space = value.indexOf(' ');
  if (space === -1 || value.slice(0, space).toLowerCase() !== SCHEME.toLowerCase()) return null;
  const malformed = (what: string): never => {
    throw new AuthFailure('malformed', `the ${SCHEME} header ${what}`);
  };
  const params = new Map<string, string>();
  for (const part of value.slice(space + 1).trim().split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    if (eq === -1 || !['keyId', 'ts', 'nonce', 'sig'].includes(name)) malformed('has an unknown or unnamed parameter');
    if (params.has(name)) malformed(`names ${name} twice`);
    params.set(name, part.slice(eq + 1).trim());
  }
  const keyId = params.get('keyId') ?? malformed('has no keyId');
  const ts = params.get('ts') ?? malformed('has no ts');
  const nonce = params.get('nonce') ?? malformed('has no nonce');
  const sig = params.get('sig') ?? malformed('has no sig');
  if (!KEY_ID.test(keyId)) malformed('has an invalid keyId');
  if (!TS.test(ts)) malformed('has an invalid ts');
  if (!NONCE.test(nonce)) malformed('has a nonce that is not 22-128 base64url characters');
  let sigBytes: Uint8Array | undefined;
  try {
    sigBytes = fromB64url(sig, 'sig');
  } catch {
    sigBytes = undefined;
  }
  if (sigBytes?.length !== 64) return malformed('has a sig that is not a base64url Ed25519 signature');
  return { keyId, ts: Number(ts), nonce, sig: sigBytes };
}

/** Verifies signed requests against the configured developer keys; subject 'dev:KEYID'. */
export class RequestSignatureAuthenticator implements Authenticator {
  readonly method = 'ed25519' as const;
  readonly #keys = new Map<string, KeyObject>();
  readonly #maxSkew: number;
  readonly #seen: ReplayCache;

  constructor(config: Ed25519Config) {
    for (const [name, raw] of config.keys) {
      this.#keys.set(name, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' }));
    }
    this.#maxSkew = config.maxSkew;
    this.#seen = new ReplayCache(config.replayCacheSize);
  }

  /** Null without a Gitseal-Ed25519 header; AuthFailure malformed, unknown_key, clock, signature, replay or busy. */
  async authenticate(req: AuthRequest): Promise<Caller | null> {
    const value = req.headers['authorization'];
    if (typeof value !== 'string') return null;
    const h = parseSignatureHeader(value);
    if (!h) return null;
    const key = this.#keys.get(h.keyId);
    if (!key) throw new AuthFailure('unknown_key', 'the key id of the signed request is not configured on the service');
    if (Math.abs(req.now / 1000 - h.ts) > this.#maxSkew) {
      throw new AuthFailure('clock', `the request timestamp is more than ${this.#maxSkew} s from the service's clock; check the clocks`);
    }
    // Only now, for a configured key and a timestamp in range, is the body read (and hashed as it streams).
    const digest = await req.bodySha256();
    if (!verify(null, signingInputOf(req.method, req.path, h.ts, h.nonce, digest), key, h.sig)) {
      throw new AuthFailure('signature', `the request signature of ${h.keyId} does not verify (wrong key, or method, path or body changed)`);
    }
    // Only verified nonces enter the cache, so forgeries cannot fill it; kept one second past the
    // last instant the timestamp is accepted.
    const seen = this.#seen.remember(`${h.keyId}\n${h.nonce}`, (h.ts + this.#maxSkew + 1) * 1000, req.now);
    if (seen === 'replay') throw new AuthFailure('replay', 'this request was already received (nonce reused); sign each request anew');
    if (seen === 'full') throw new AuthFailure('busy', 'too many signed requests in the replay window; try again later');
    return { subject: `dev:${h.keyId}`, method: 'ed25519' };
  }
}
