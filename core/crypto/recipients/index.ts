/**
 * Recipients (schemas/FORMAT.md §10): one registry of key types, the
 * `gitseal1:` recipient string, and the search for a key that opens a
 * document's DEK.
 */
import { b64url, fromB64url } from '../../bytes.js';
import { fail, isGitsealError } from '../../errors.js';
import { mlkem1024 } from './mlkem1024.js';
import { mlkem1024x25519 } from './mlkem1024-x25519.js';
import type { Identity, IdentityOptions, Recipient, RecipientAlg, RecipientKind, RecipientStanza, WrapContext } from './types.js';

export type { Identity, IdentityOptions, Recipient, RecipientAlg, RecipientKind, RecipientStanza, WrapContext } from './types.js';

/** Every key type gitseal knows, by `alg`. Adding a key type adds one line here. */
export const RECIPIENT_KINDS: { readonly [A in RecipientAlg]: RecipientKind } = {
  'mlkem1024-x25519': mlkem1024x25519,
  mlkem1024: mlkem1024,
};

export const RECIPIENT_PREFIX = 'gitseal1';

/** Shows at most the first 24 characters of untrusted input, so a pasted secret is never echoed whole. */
const preview = (s: string): string => JSON.stringify(s.length > 24 ? `${s.slice(0, 24)}…` : s);

export function isRecipientAlg(alg: unknown): alg is RecipientAlg {
  return typeof alg === 'string' && Object.hasOwn(RECIPIENT_KINDS, alg);
}

/** The registry entry for `alg`; throws E_RECIPIENT for an unknown alg. */
export function recipientKind(alg: string): RecipientKind {
  if (!isRecipientAlg(alg))
    fail('E_RECIPIENT', `unknown key type ${preview(String(alg))}: gitseal knows ${Object.keys(RECIPIENT_KINDS).join(', ')}`);
  return RECIPIENT_KINDS[alg];
}

/**
 * Parses `gitseal1:<alg>:<base64url public key>`. Throws E_RECIPIENT naming
 * what is wrong (prefix, alg, encoding, length, invalid key).
 */
export function parseRecipient(s: string): Recipient {
  if (typeof s !== 'string') throw new TypeError('recipient must be a string');
  const parts = s.split(':');
  if (parts.length !== 3 || parts[0] !== RECIPIENT_PREFIX)
    fail('E_RECIPIENT', `${preview(s)} is not a recipient: expected ${RECIPIENT_PREFIX}:<alg>:<public key>`);
  const kind = recipientKind(parts[1]!);
  let publicKey: Uint8Array;
  try {
    publicKey = fromB64url(parts[2]!, 'the recipient public key');
  } catch (e) {
    if (!isGitsealError(e, 'E_FORMAT')) throw e;
    return fail('E_RECIPIENT', `${preview(s)} is not a recipient: the public key is not base64url`);
  }
  return kind.parsePublic(publicKey);
}

/** Formats a recipient as `gitseal1:<alg>:<base64url public key>`; `parseRecipient` reverses it. */
export const formatRecipient = (r: Recipient): string => `${RECIPIENT_PREFIX}:${r.alg}:${b64url(r.publicKey)}`;

/**
 * A new identity with node:crypto randomness. `secret` is what a keystore
 * stores; the caller should wipe it when done.
 */
export function generateIdentity(alg: RecipientAlg = 'mlkem1024-x25519'): { identity: Identity; secret: Uint8Array } {
  return recipientKind(alg).generate();
}

/**
 * Rebuilds an identity from its raw secret. Throws E_RECIPIENT for an
 * unknown alg and RangeError for a secret of the wrong length. `options`
 * may inject another ML-KEM-1024 decapsulation (see `Decapsulate`).
 */
export function identityFromSecret(alg: RecipientAlg, secret: Uint8Array, options?: IdentityOptions): Identity {
  return recipientKind(alg).fromSecret(secret, options);
}

/** Kids come from the file: print only ones that look like kids, so a crafted kid cannot inject terminal escapes. */
const printableKid = (kid: unknown): string => (typeof kid === 'string' && /^[\w.:-]{1,64}$/.test(kid) ? kid : '<malformed>');

/**
 * Returns the DEK from the first stanza one of `identities` opens. A stanza
 * for one of our keys that does not open does not stop the search (another
 * stanza may still open); if none opens, that E_TAMPERED is thrown.
 * Otherwise throws E_NO_KEY listing both sides' kids.
 */
export function unwrapWithAny(identities: readonly Identity[], stanzas: readonly RecipientStanza[], ctx: WrapContext): Uint8Array {
  let tampered: unknown;
  for (const stanza of stanzas) {
    for (const identity of identities) {
      try {
        const dek = identity.unwrap(stanza, ctx);
        if (dek !== null) return dek;
      } catch (e) {
        if (!isGitsealError(e, 'E_TAMPERED')) throw e;
        tampered ??= e;
      }
    }
  }
  if (tampered !== undefined) throw tampered;
  const ours = identities.map((i) => i.kid).join(', ') || 'none';
  const theirs = stanzas.map((s) => printableKid(s.kid)).join(', ') || 'nobody';
  return fail('E_NO_KEY', `no key at hand opens this file: your keys are ${ours}; this file is for ${theirs}`);
}
