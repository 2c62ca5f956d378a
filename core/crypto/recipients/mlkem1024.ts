/**
 * Pure post-quantum recipient (schemas/FORMAT.md §10): ML-KEM-1024 (FIPS 203)
 * alone, for deployments that do not want a classical component.
 *
 * public = ML-KEM public key (1568 B); secret = keygen seed (64 B);
 * enc = ML-KEM ciphertext (1568 B).
 */
import { randomFillSync } from 'node:crypto';
import { ml_kem1024, type KEMPrepared } from '@noble/post-quantum/ml-kem.js';
import { b64url, checkBytes, defaultRandom, draw, lengthPrefixed, wipe, type RandomSource } from '../../bytes.js';
import { fail } from '../../errors.js';
import { computeKid, envelopeTampered, isStanzaFor, openDek, sealDek, stanzaField, WRAPPED_DEK_LENGTH } from './dek-wrap.js';
import type { Decapsulate, Identity, IdentityOptions, Recipient, RecipientKind, RecipientStanza, WrapContext } from './types.js';

const ALG = 'mlkem1024';
const INFO = lengthPrefixed(['gitseal/wrap/mlkem1024/v1']);
export const PUBLIC_LENGTH = 1568;
export const SECRET_LENGTH = 64;
const ENC_LENGTH = 1568;

class KemRecipient implements Recipient {
  readonly alg = ALG;
  readonly kid: string;
  readonly publicKey: Uint8Array;
  readonly #kem: KEMPrepared;

  constructor(publicKey: Uint8Array) {
    if (publicKey.length !== PUBLIC_LENGTH)
      fail('E_RECIPIENT', `a ${ALG} public key is ${PUBLIC_LENGTH} bytes, this one is ${publicKey.length}`);
    this.publicKey = publicKey.slice();
    try {
      // prepare() runs the FIPS 203 §7.2 modulus check once and caches the expanded matrix.
      this.#kem = ml_kem1024.prepare(this.publicKey);
    } catch {
      fail('E_RECIPIENT', `the ${ALG} public key is invalid (bad ML-KEM modulus)`);
    }
    this.kid = computeKid(ALG, this.publicKey);
  }

  wrap(dek: Uint8Array, ctx: WrapContext, random: RandomSource = defaultRandom): RecipientStanza {
    const msg = draw(random, 32, 'ML-KEM encapsulation');
    const { cipherText, sharedSecret } = this.#kem.encapsulate(msg);
    wipe(msg);
    const sealed = sealDek(sharedSecret, INFO, dek, this.kid, ctx);
    return { kid: this.kid, alg: ALG, enc: b64url(cipherText), dek: b64url(sealed) };
  }

  /** Decapsulation through the prepared key, for the identity that owns this recipient. */
  decapsulate(ct: Uint8Array, sk: Uint8Array): Uint8Array {
    return this.#kem.decapsulate(ct, sk);
  }
}

class KemIdentity implements Identity {
  readonly alg = ALG;
  readonly recipient: KemRecipient;
  readonly #sk: Uint8Array;
  readonly #decapsulate: Decapsulate | undefined;
  #wiped = false;

  constructor(secret: Uint8Array, options?: IdentityOptions) {
    checkBytes(secret, SECRET_LENGTH, `${ALG} secret`);
    const { publicKey, secretKey } = ml_kem1024.keygen(secret);
    this.#sk = secretKey;
    this.#decapsulate = options?.decapsulate;
    this.recipient = new KemRecipient(publicKey);
  }

  get kid(): string {
    return this.recipient.kid;
  }

  unwrap(stanza: RecipientStanza, ctx: WrapContext): Uint8Array | null {
    if (this.#wiped) throw new Error(`the secret key of ${this.kid} was wiped`);
    if (!isStanzaFor(stanza, this.kid, ALG)) return null;
    const ct = stanzaField(stanza, 'enc', ENC_LENGTH);
    const wrapped = stanzaField(stanza, 'dek', WRAPPED_DEK_LENGTH);
    let ss: Uint8Array;
    try {
      ss = this.#decapsulate ? this.#decapsulate(ct, this.#sk) : this.recipient.decapsulate(ct, this.#sk);
    } catch {
      return envelopeTampered(this.kid);
    }
    return openDek(ss, INFO, wrapped, this.kid, ctx) ?? envelopeTampered(this.kid);
  }

  wipe(): void {
    this.#wiped = true;
    wipe(this.#sk);
  }
}

/** Registry entry for `mlkem1024`. */
export const mlkem1024: RecipientKind = {
  alg: ALG,
  secretLength: SECRET_LENGTH,
  parsePublic: (publicKey) => new KemRecipient(publicKey),
  fromSecret: (secret, options) => new KemIdentity(secret, options),
  generate() {
    const secret = randomFillSync(new Uint8Array(SECRET_LENGTH));
    return { identity: new KemIdentity(secret), secret };
  },
};
