/**
 * The org key (schemas/FORMAT.md §10): ML-KEM-1024 (FIPS 203) and X25519
 * combined through HKDF, so the wrap holds while either one holds. The HKDF
 * info binds the ephemeral and recipient X25519 keys; the ML-KEM ciphertext
 * is bound through the KEM itself (implicit rejection gives a wrong secret).
 *
 * public = ML-KEM public key (1568 B) || X25519 public key (32 B)
 * secret = ML-KEM keygen seed (64 B) || X25519 secret (32 B)
 * enc    = ML-KEM ciphertext (1568 B) || ephemeral X25519 public key (32 B)
 */
import { randomFillSync, type KeyObject } from 'node:crypto';
import { ml_kem1024, type KEMPrepared } from '@noble/post-quantum/ml-kem.js';
import { b64url, checkBytes, concat, defaultRandom, draw, lengthPrefixed, wipe, type RandomSource } from '../../bytes.js';
import { fail } from '../../errors.js';
import { computeKid, envelopeTampered, isStanzaFor, openDek, sealDek, stanzaField, WRAPPED_DEK_LENGTH } from './dek-wrap.js';
import type { Decapsulate, Identity, IdentityOptions, Recipient, RecipientKind, RecipientStanza, WrapContext } from './types.js';
import { X25519_LENGTH, x25519Ephemeral, x25519KeyPair, x25519PrivateKey, x25519PublicKey, x25519RawPublic, x25519Shared } from './x25519.js';

const ALG = 'mlkem1024-x25519';
const INFO_LABEL = 'gitseal/wrap/mlkem1024-x25519/v1';
const KEM_PUBLIC = 1568;
const KEM_CIPHERTEXT = 1568;
const KEM_SEED = 64;
export const PUBLIC_LENGTH = KEM_PUBLIC + X25519_LENGTH;
export const SECRET_LENGTH = KEM_SEED + X25519_LENGTH;
const ENC_LENGTH = KEM_CIPHERTEXT + X25519_LENGTH;

const info = (ephPub: Uint8Array, recipientPub: Uint8Array): Uint8Array => lengthPrefixed([INFO_LABEL, ephPub, recipientPub]);

class HybridRecipient implements Recipient {
  readonly alg = ALG;
  readonly kid: string;
  readonly publicKey: Uint8Array;
  readonly #kem: KEMPrepared;
  readonly #pkX: KeyObject;
  readonly #pkXRaw: Uint8Array;

  constructor(publicKey: Uint8Array) {
    if (publicKey.length !== PUBLIC_LENGTH)
      fail('E_RECIPIENT', `a ${ALG} public key is ${PUBLIC_LENGTH} bytes, this one is ${publicKey.length}`);
    this.publicKey = publicKey.slice();
    this.#pkXRaw = this.publicKey.subarray(KEM_PUBLIC);
    try {
      // prepare() runs the FIPS 203 §7.2 modulus check once and caches the expanded matrix.
      this.#kem = ml_kem1024.prepare(this.publicKey.subarray(0, KEM_PUBLIC));
      this.#pkX = x25519PublicKey(this.#pkXRaw);
      // A low-order X25519 point would make the classical half a constant: refuse it now, not at wrap time.
      wipe(x25519Shared(x25519Ephemeral().privateKey, this.#pkX));
    } catch {
      fail('E_RECIPIENT', `the ${ALG} public key is invalid (bad ML-KEM modulus or low-order X25519 point)`);
    }
    this.kid = computeKid(ALG, this.publicKey);
  }

  wrap(dek: Uint8Array, ctx: WrapContext, random?: RandomSource): RecipientStanza {
    const msg = draw(random ?? defaultRandom, 32, 'ML-KEM encapsulation');
    const { cipherText, sharedSecret } = this.#kem.encapsulate(msg);
    wipe(msg);
    // Without an injected source OpenSSL makes the ephemeral key itself, so its secret never sits in the JS heap.
    const eph = random ? x25519KeyPair(draw(random, X25519_LENGTH, 'X25519 ephemeral key')) : x25519Ephemeral();
    const ssX = x25519Shared(eph.privateKey, this.#pkX);
    const ikm = concat(sharedSecret, ssX);
    wipe(sharedSecret, ssX);
    const sealed = sealDek(ikm, info(eph.publicKey, this.#pkXRaw), dek, this.kid, ctx);
    return { kid: this.kid, alg: ALG, enc: b64url(concat(cipherText, eph.publicKey)), dek: b64url(sealed) };
  }

  /** Decapsulation through the prepared key, for the identity that owns this recipient. */
  decapsulate(ct: Uint8Array, skKem: Uint8Array): Uint8Array {
    return this.#kem.decapsulate(ct, skKem);
  }
}

class HybridIdentity implements Identity {
  readonly alg = ALG;
  readonly recipient: HybridRecipient;
  readonly #skKem: Uint8Array;
  readonly #skX: KeyObject;
  readonly #decapsulate: Decapsulate | undefined;
  #wiped = false;

  constructor(secret: Uint8Array, options?: IdentityOptions) {
    checkBytes(secret, SECRET_LENGTH, `${ALG} secret`);
    const { publicKey, secretKey } = ml_kem1024.keygen(secret.subarray(0, KEM_SEED));
    this.#skKem = secretKey;
    this.#skX = x25519PrivateKey(secret.subarray(KEM_SEED));
    this.#decapsulate = options?.decapsulate;
    this.recipient = new HybridRecipient(concat(publicKey, x25519RawPublic(this.#skX)));
  }

  get kid(): string {
    return this.recipient.kid;
  }

  unwrap(stanza: RecipientStanza, ctx: WrapContext): Uint8Array | null {
    if (this.#wiped) throw new Error(`the secret key of ${this.kid} was wiped`);
    if (!isStanzaFor(stanza, this.kid, ALG)) return null;
    const enc = stanzaField(stanza, 'enc', ENC_LENGTH);
    const wrapped = stanzaField(stanza, 'dek', WRAPPED_DEK_LENGTH);
    const ephPub = enc.subarray(KEM_CIPHERTEXT);
    let ikm: Uint8Array;
    try {
      const ct = enc.subarray(0, KEM_CIPHERTEXT);
      const ssKem = this.#decapsulate ? this.#decapsulate(ct, this.#skKem) : this.recipient.decapsulate(ct, this.#skKem);
      const ssX = x25519Shared(this.#skX, ephPub); // throws on a low-order ephemeral key
      ikm = concat(ssKem, ssX);
      wipe(ssKem, ssX);
    } catch {
      return envelopeTampered(this.kid);
    }
    return openDek(ikm, info(ephPub, this.recipient.publicKey.subarray(KEM_PUBLIC)), wrapped, this.kid, ctx) ?? envelopeTampered(this.kid);
  }

  wipe(): void {
    this.#wiped = true;
    wipe(this.#skKem);
  }
}

/** Registry entry for `mlkem1024-x25519`. */
export const mlkem1024x25519: RecipientKind = {
  alg: ALG,
  secretLength: SECRET_LENGTH,
  parsePublic: (publicKey) => new HybridRecipient(publicKey),
  fromSecret: (secret, options) => new HybridIdentity(secret, options),
  generate() {
    const secret = randomFillSync(new Uint8Array(SECRET_LENGTH));
    return { identity: new HybridIdentity(secret), secret };
  },
};
