/**
 * The recipient plug-in contract (schemas/FORMAT.md §10;
 * docs/STYLE.md#plug-ins-one-interface-one-list): every key type wraps the
 * document's DEK into one stanza and unwraps it again, returning null for
 * "not mine". Adding a key type: docs/CONTRIBUTING.md#adding-a-recipient-type.
 */
import type { RandomSource } from '../../bytes.js';

export type RecipientAlg = 'mlkem1024-x25519' | 'mlkem1024';

/** On-disk stanza, all binary fields base64url without padding. */
export interface RecipientStanza {
  kid: string;
  alg: string;
  enc: string;
  dek: string;
}

/** What the DEK wrap is bound to (FORMAT.md §10): AAD = kid + scope binding + document id. */
export interface WrapContext {
  scopeBinding: string;
  docId: Uint8Array;
}

/** The public side of a key: anyone holding it can wrap a DEK, nobody can unwrap with it. */
export interface Recipient {
  readonly kid: string;
  readonly alg: RecipientAlg;
  /** Raw public key; `formatRecipient` writes it into the `gitseal1:` string. */
  readonly publicKey: Uint8Array;
  /**
   * Wraps a 32-byte DEK; throws RangeError on another length. Fresh
   * randomness (KEM message, ephemeral keys) comes from `random`, or from
   * node:crypto when it is absent.
   */
  wrap(dek: Uint8Array, ctx: WrapContext, random?: RandomSource): RecipientStanza;
}

/**
 * ML-KEM-1024 decapsulation (FIPS 203 ML-KEM.Decaps): ciphertext (1568 B)
 * and expanded decapsulation key (3168 B) to the 32-byte shared secret,
 * with implicit rejection (a bad ciphertext gives a pseudo-random secret, not
 * an error). Throws when the key fails the FIPS 203 §7.3 input check. An
 * identity uses @noble/post-quantum unless `fromSecret` is given another one
 * (e.g. liboqs compiled to WebAssembly, checked against noble by the caller).
 */
export type Decapsulate = (ciphertext: Uint8Array, secretKey: Uint8Array) => Uint8Array;

/** Options of `RecipientKind.fromSecret`. */
export interface IdentityOptions {
  /** The ML-KEM-1024 decapsulation to use instead of @noble/post-quantum's. */
  decapsulate?: Decapsulate;
}

/** The secret side of a key. */
export interface Identity {
  readonly kid: string;
  readonly alg: RecipientAlg;
  readonly recipient: Recipient;
  /**
   * Returns null when the stanza is not for this identity (other kid or alg);
   * throws GitsealError E_FORMAT when a field has the wrong length and
   * E_TAMPERED when it is for this identity but does not open (wrong
   * scope/doc/tampered).
   */
  unwrap(stanza: RecipientStanza, ctx: WrapContext): Uint8Array | null;
  /**
   * Overwrites the secret key bytes this identity holds; afterwards `unwrap`
   * throws. (Key objects held by node:crypto are freed, and cleared by
   * OpenSSL, when they are garbage-collected.)
   */
  wipe?(): void;
}

/** One key type, as registered in `index.ts`. */
export interface RecipientKind {
  readonly alg: RecipientAlg;
  /** Length of the raw secret `fromSecret` takes. */
  readonly secretLength: number;
  /** Throws E_RECIPIENT when the bytes are not a valid public key of this type. */
  parsePublic(publicKey: Uint8Array): Recipient;
  /** Throws RangeError when the secret has the wrong length. Does not keep a reference to `secret`. */
  fromSecret(secret: Uint8Array, options?: IdentityOptions): Identity;
  /** A new key from node:crypto randomness; `secret` is what a keystore stores. */
  generate(): { identity: Identity; secret: Uint8Array };
}
