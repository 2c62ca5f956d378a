/**
 * Re-sealing a DEK to the caller of the rewrap service
 * (schemas/rewrap.openapi.yaml, "Re-seal cryptography"): the caller sends an
 * ephemeral X25519 public key; the service answers with its own ephemeral
 * public key and, per item, the DEK sealed with AES-256-GCM under
 * HKDF(X25519(server eph, client eph)). The response key is fresh per
 * response and each item has its own index, so the nonce is the index. The
 * AAD binds the item's kid, scope binding and document id, so a sealed DEK
 * cannot be swapped between items of one answer.
 */
import { hkdfSync, type KeyObject } from 'node:crypto';
import { gcmOpen, gcmSeal, NONCE_LENGTH } from './aead.js';
import { concat, lengthPrefixed, wipe } from '../bytes.js';
import { X25519_LENGTH, x25519Ephemeral, x25519Shared } from './recipients/x25519.js';

const LABEL = 'gitseal/rewrap/v1';
export const RESPONSE_KEY_LENGTH = 32;
/** Largest item index a response may carry (the nonce holds it in 4 bytes). */
export const MAX_ITEM_INDEX = 0xffffffff;

/** What a sealed DEK is bound to. `docId` is the document id as written in the file (base64url). */
export interface RewrapBinding {
  kid: string;
  scope: string;
  docId: string;
}

function deriveKey(shared: Uint8Array, serverPublic: Uint8Array, clientPublic: Uint8Array): Uint8Array {
  const info = lengthPrefixed([LABEL, serverPublic, clientPublic]);
  const key = new Uint8Array(hkdfSync('sha256', shared, new Uint8Array(0), info, RESPONSE_KEY_LENGTH));
  wipe(shared);
  return key;
}

/**
 * Service side: a fresh ephemeral key pair and the response key shared with
 * `clientPublic`. Throws (an OpenSSL error) when `clientPublic` is a
 * low-order point; the caller turns that into its own error.
 */
export function serverResponseKey(clientPublic: Uint8Array): { serverPublic: Uint8Array; key: Uint8Array } {
  const eph = x25519Ephemeral();
  const key = deriveKey(x25519Shared(eph.privateKey, clientPublic), eph.publicKey, clientPublic);
  return { serverPublic: eph.publicKey, key };
}

/** Caller side: the same response key from the caller's private half. */
export function clientResponseKey(clientPrivate: KeyObject, clientPublic: Uint8Array, serverPublic: Uint8Array): Uint8Array {
  return deriveKey(x25519Shared(clientPrivate, serverPublic), serverPublic, clientPublic);
}

function nonceFor(index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > MAX_ITEM_INDEX) throw new RangeError('item index out of range');
  const nonce = new Uint8Array(NONCE_LENGTH);
  new DataView(nonce.buffer).setUint32(NONCE_LENGTH - 4, index);
  return nonce;
}

const aad = (b: RewrapBinding): Uint8Array => lengthPrefixed([LABEL, b.kid, b.scope, b.docId]);

/** Seals `dek` for item `index`; returns ciphertext || tag (48 bytes for a DEK). */
export function sealForCaller(key: Uint8Array, index: number, dek: Uint8Array, binding: RewrapBinding): Uint8Array {
  return gcmSeal(key, nonceFor(index), dek, aad(binding)).subarray(NONCE_LENGTH);
}

/** Opens what `sealForCaller` made; null when it does not authenticate. */
export function openFromService(key: Uint8Array, index: number, sealed: Uint8Array, binding: RewrapBinding): Uint8Array | null {
  return gcmOpen(key, concat(nonceFor(index), sealed), aad(binding));
}

