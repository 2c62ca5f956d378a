/**
 * The parts every KEM recipient shares (schemas/FORMAT.md §10): the kid, the
 * key-encryption key derived by HKDF from the KEM shared secret(s), and
 * AES-256-GCM over the DEK bound to kid + scope binding + document id. A
 * stanza copied to another scope or document therefore does not open.
 */
import { createHash, hkdfSync } from 'node:crypto';
import { gcmOpen, gcmSeal, NONCE_LENGTH, TAG_LENGTH } from '../aead.js';
import { checkBytes, concat, fromB64url, lengthPrefixed, utf8, wipe } from '../../bytes.js';
import { fail } from '../../errors.js';
import type { RecipientAlg, RecipientStanza, WrapContext } from './types.js';

export const DEK_LENGTH = 32;
/** Length of the stanza's `dek` field: GCM ciphertext || tag of a 32-byte DEK. */
export const WRAPPED_DEK_LENGTH = DEK_LENGTH + TAG_LENGTH;
/** The KEK is derived fresh for every wrap and used once, so a fixed nonce is safe. */
const ZERO_NONCE = new Uint8Array(NONCE_LENGTH);

/** kid = 'org-' + first 16 hex digits of SHA-256(alg || public key). */
export function computeKid(alg: RecipientAlg, publicKey: Uint8Array): string {
  const h = createHash('sha256').update(utf8(alg)).update(publicKey).digest('hex');
  return `org-${h.slice(0, 16)}`;
}

function checkContext(ctx: WrapContext): void {
  if (typeof ctx?.scopeBinding !== 'string') throw new TypeError('ctx.scopeBinding must be a string');
  if (!(ctx.docId instanceof Uint8Array)) throw new TypeError('ctx.docId must be a Uint8Array');
}

const wrapAad = (kid: string, ctx: WrapContext): Uint8Array => lengthPrefixed([kid, ctx.scopeBinding, ctx.docId]);

const deriveKek = (ikm: Uint8Array, info: Uint8Array): Uint8Array =>
  new Uint8Array(hkdfSync('sha256', ikm, new Uint8Array(0), info, 32));

/**
 * Seals `dek` under HKDF(ikm, info) for `kid` and returns the stanza's
 * `dek` field (ciphertext || tag, 48 bytes). Wipes `ikm` and the KEK.
 * Throws RangeError when the DEK is not 32 bytes.
 */
export function sealDek(ikm: Uint8Array, info: Uint8Array, dek: Uint8Array, kid: string, ctx: WrapContext): Uint8Array {
  checkBytes(dek, DEK_LENGTH, 'dek');
  checkContext(ctx);
  const kek = deriveKek(ikm, info);
  try {
    return gcmSeal(kek, ZERO_NONCE, dek, wrapAad(kid, ctx)).subarray(NONCE_LENGTH);
  } finally {
    wipe(ikm, kek);
  }
}

/**
 * Opens a stanza's `dek` field sealed by `sealDek`; returns the DEK or null
 * when authentication fails. Wipes `ikm` and the KEK.
 */
export function openDek(ikm: Uint8Array, info: Uint8Array, wrapped: Uint8Array, kid: string, ctx: WrapContext): Uint8Array | null {
  checkContext(ctx);
  const kek = deriveKek(ikm, info);
  try {
    return gcmOpen(kek, concat(ZERO_NONCE, wrapped), wrapAad(kid, ctx));
  } finally {
    wipe(ikm, kek);
  }
}

/** True when the stanza names this kid and alg (the "is it mine" test before any crypto). */
export const isStanzaFor = (stanza: RecipientStanza, kid: string, alg: RecipientAlg): boolean =>
  stanza.kid === kid && stanza.alg === alg;

/** Decodes one base64url stanza field of an exact length; throws E_FORMAT otherwise. */
export function stanzaField(stanza: RecipientStanza, field: 'enc' | 'dek', length: number): Uint8Array {
  const bytes = fromB64url(stanza[field], `the ${field} field of the key envelope for ${stanza.kid}`);
  if (bytes.length !== length)
    fail('E_FORMAT', `the ${field} field of the key envelope for ${stanza.kid} is ${bytes.length} bytes, expected ${length}`);
  return bytes;
}

/** The E_TAMPERED thrown when a stanza for this identity does not open. */
export function envelopeTampered(kid: string): never {
  return fail('E_TAMPERED', `the key envelope for ${kid} does not open: the file was modified or moved to another scope`);
}
