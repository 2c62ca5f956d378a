/**
 * Writer keys: who sealed a document (schemas/FORMAT.md §13). A writer key is
 * a hybrid of ML-DSA-65 (FIPS 204) and Ed25519 (RFC 8032); a signature is
 * both signatures over the same message, and both must verify, so it holds
 * while either scheme does. ML-DSA runs in node:crypto where Node has it
 * (24: ~6× faster) and in @noble/post-quantum elsewhere; tests cross-check both.
 */
import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { b64url, concat, defaultRandom, fromB64url } from '../bytes.js';
import { fail } from '../errors.js';

export const WRITER_ALG = 'mldsa65-ed25519';
export const WRITER_PREFIX = 'gitseal-writer1';
const MLDSA_PUBLIC = 1952;
const MLDSA_SIGNATURE = 3309;
const ED_PUBLIC = 32;
const ED_SIGNATURE = 64;
export const WRITER_SECRET_LENGTH = 64;
export const WRITER_SIGNATURE_LENGTH = MLDSA_SIGNATURE + ED_SIGNATURE;
// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410), and of an ML-DSA-65 seed in its seed-only form
// (id-ml-dsa-65, 2.16.840.1.101.3.4.3.18; RFC 9881).
const ED_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const MLDSA_PKCS8_SEED_PREFIX = Buffer.from('3034020100300b060960864801650304031204228020', 'hex');
// SubjectPublicKeyInfo of an ML-DSA-65 public key, up to the key itself (RFC 9881): portable where JWK's AKP is not.
const MLDSA_SPKI_PREFIX = Buffer.from('308207b2300b0609608648016503040312038207a100', 'hex');

const nodeMldsaKey = (seed: Uint8Array): KeyObject => createPrivateKey({ key: Buffer.concat([MLDSA_PKCS8_SEED_PREFIX, seed]), format: 'der', type: 'pkcs8' });
const nodeMldsaPublic = (publicKey: Uint8Array): KeyObject => createPublicKey({ key: Buffer.concat([MLDSA_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
const mldsaPublicOf = (key: KeyObject): Uint8Array => new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(MLDSA_SPKI_PREFIX.length));

/** A writer's public half, as a verifier knows it. */
export interface WriterPublic {
  readonly kid: string;
  /** ML-DSA-65 public key (1952 B) ∥ Ed25519 public key (32 B). */
  readonly publicKey: Uint8Array;
}

/** A writer the reader trusts, from its own configuration (never from the repository alone). */
export interface TrustedWriter {
  readonly name: string;
  readonly key: WriterPublic;
  /** A rewrap service's signing key: trusted to name the subject it signed for. */
  readonly signsFor?: boolean;
}

export interface WriterSigner extends WriterPublic {
  sign(message: Uint8Array): Uint8Array;
}

export type MldsaBackend = 'node' | 'noble';

let nativeMldsa: boolean | undefined;
/**
 * True when this Node's crypto signs and verifies with ML-DSA (Node ≥ 24.7 with OpenSSL 3.5). Node 22 with
 * OpenSSL 3.5 reads the key but cannot sign with it, so the probe is a whole round trip.
 */
export function hasNativeMldsa(): boolean {
  if (nativeMldsa === undefined) {
    try {
      const key = nodeMldsaKey(new Uint8Array(32));
      const probe = new Uint8Array(1);
      nativeMldsa = nodeVerify(null, probe, nodeMldsaPublic(mldsaPublicOf(key)), nodeSign(null, probe, key));
    } catch {
      nativeMldsa = false;
    }
  }
  return nativeMldsa;
}

const pickBackend = (backend: MldsaBackend | undefined): MldsaBackend => backend ?? (hasNativeMldsa() ? 'node' : 'noble');

export const writerKid = (publicKey: Uint8Array): string =>
  'w-' + createHash('sha256').update(WRITER_ALG).update(publicKey).digest('hex').slice(0, 16);

export const generateWriterSecret = (): Uint8Array => defaultRandom(WRITER_SECRET_LENGTH);

/**
 * The signer for a 64-byte writer secret: ML-DSA-65 key-generation seed ξ ∥ Ed25519 seed. ML-DSA signs
 * hedged; `deterministic` (noble only: known-answer vectors) signs without fresh randomness.
 */
export function writerFromSecret(secret: Uint8Array, backend?: MldsaBackend, deterministic = false): WriterSigner {
  if (secret.length !== WRITER_SECRET_LENGTH) fail('E_WRITER_KEY', `a writer secret is ${WRITER_SECRET_LENGTH} bytes, not ${secret.length}`);
  const seed = secret.slice(0, 32);
  const mldsa = mldsaFromSeed(seed, pickBackend(deterministic ? 'noble' : backend), deterministic);
  const edPrivate = createPrivateKey({ key: Buffer.concat([ED_PKCS8_PREFIX, secret.subarray(32)]), format: 'der', type: 'pkcs8' });
  const edPublic = fromB64url(createPublicKey(edPrivate).export({ format: 'jwk' }).x!, 'Ed25519 public key');
  const publicKey = concat(mldsa.publicKey, edPublic);
  const kid = writerKid(publicKey);
  return { kid, publicKey, sign: (m) => concat(mldsa.sign(m), new Uint8Array(nodeSign(null, m, edPrivate))) };
}

/** ML-DSA-65 from its seed: node:crypto derives the key itself (~1 ms); noble's key generation is ~20 ms. */
function mldsaFromSeed(seed: Uint8Array, backend: MldsaBackend, deterministic: boolean): { publicKey: Uint8Array; sign(m: Uint8Array): Uint8Array } {
  if (backend === 'node') {
    const key = nodeMldsaKey(seed);
    return { publicKey: mldsaPublicOf(key), sign: (m) => new Uint8Array(nodeSign(null, m, key)) };
  }
  const { publicKey, secretKey } = ml_dsa65.keygen(seed);
  return { publicKey, sign: (m) => ml_dsa65.sign(m, secretKey, deterministic ? { extraEntropy: false } : {}) };
}

const verifiers = new Map<string, { mldsa: KeyObject | Uint8Array; ed: KeyObject }>();

/** Both signatures over `message` verify under the writer's key. Never throws for a bad signature. */
export function verifyWriterSignature(writer: WriterPublic, message: Uint8Array, signature: Uint8Array, backend?: MldsaBackend): boolean {
  if (signature.length !== WRITER_SIGNATURE_LENGTH) return false;
  const use = pickBackend(backend);
  const cacheKey = `${use}:${writer.kid}:${b64url(writer.publicKey.subarray(MLDSA_PUBLIC))}`;
  let keys = verifiers.get(cacheKey);
  if (!keys) {
    const mldsaPublic = writer.publicKey.subarray(0, MLDSA_PUBLIC);
    keys = {
      mldsa: use === 'node' ? nodeMldsaPublic(mldsaPublic) : mldsaPublic,
      ed: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(writer.publicKey.subarray(MLDSA_PUBLIC)) }, format: 'jwk' }),
    };
    if (verifiers.size > 1000) verifiers.clear();
    verifiers.set(cacheKey, keys);
  }
  const mldsaSig = signature.subarray(0, MLDSA_SIGNATURE);
  const edSig = signature.subarray(MLDSA_SIGNATURE);
  try {
    const mldsaOk = keys.mldsa instanceof Uint8Array ? ml_dsa65.verify(mldsaSig, message, keys.mldsa) : nodeVerify(null, message, keys.mldsa, mldsaSig);
    return mldsaOk && nodeVerify(null, message, keys.ed, edSig);
  } catch {
    return false;
  }
}

export const formatWriter = (w: WriterPublic): string => `${WRITER_PREFIX}:${WRITER_ALG}:${b64url(w.publicKey)}`;

/** Parses `gitseal-writer1:mldsa65-ed25519:<b64url>`; E_WRITER_KEY when malformed. */
export function parseWriter(s: string): WriterPublic {
  const parts = s.trim().split(':');
  if (parts.length !== 3 || parts[0] !== WRITER_PREFIX) fail('E_WRITER_KEY', `a writer key looks like ${WRITER_PREFIX}:${WRITER_ALG}:…`);
  if (parts[1] !== WRITER_ALG) fail('E_WRITER_KEY', `unknown writer key algorithm "${parts[1]}" (this gitseal knows ${WRITER_ALG})`);
  let publicKey: Uint8Array;
  try {
    publicKey = fromB64url(parts[2]!, 'writer key');
  } catch {
    return fail('E_WRITER_KEY', 'the writer key is not valid base64url');
  }
  if (publicKey.length !== MLDSA_PUBLIC + ED_PUBLIC) fail('E_WRITER_KEY', `a writer key is ${MLDSA_PUBLIC + ED_PUBLIC} bytes, not ${publicKey.length}`);
  return { kid: writerKid(publicKey), publicKey };
}
