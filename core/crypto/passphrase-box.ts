/**
 * The passphrase box, shared by the keystore (FORMAT.md §11) and the
 * rewrap service's passphrase root of trust: scrypt turns a passphrase and a
 * salt into an AES-256-GCM key and a check value, and the key seals bytes
 * bound to a context the caller gives as AAD (a kid, a file header). Each
 * caller frames the salt, parameters and boxes in its own file format.
 *
 * The same bound applies to parameters for new boxes and to parameters read
 * from a file, so a crafted file cannot make opening it exhaust memory or CPU.
 */
import { scrypt, scryptSync } from 'node:crypto';
import { gcmOpen, gcmSeal, NONCE_LENGTH } from './aead.js';
import { defaultRandom, equalBytes, wipe } from '../bytes.js';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** scrypt cost for new boxes: 2^17 × 8 uses 128 MiB and about a third of a second. */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = { N: 2 ** 17, r: 8, p: 1 };
export const SALT_LENGTH = 16;
export const CHECK_LENGTH = 16;
const KEY_LENGTH = 32;
/** scrypt holds 128·N·r bytes; p runs over them again, so the work is at most MAX_P times that. */
const MAX_MEMORY = 2 ** 30;
const MAX_P = 16;

/** Describes what is wrong with scrypt parameters, or null when they are within the bound. */
export function scryptProblem({ N, r, p }: ScryptParams): string | null {
  if (!Number.isSafeInteger(N) || N < 2 || (N & (N - 1)) !== 0) return 'N must be a power of two';
  if (!Number.isSafeInteger(r) || r < 1 || !Number.isSafeInteger(p) || p < 1 || p > MAX_P) return 'r and p must be small positive integers';
  if (128 * N * r > MAX_MEMORY) return 'scrypt would need more than 1 GiB';
  return null;
}

/** What a passphrase and a salt give: the box key, and a value that tells a wrong passphrase from a damaged box. */
export interface PassphraseKey {
  readonly key: Uint8Array;
  readonly check: Uint8Array;
}

export const newSalt = (): Uint8Array => defaultRandom(SALT_LENGTH);

function scryptOptions(passphrase: Uint8Array, salt: Uint8Array, params: ScryptParams): { N: number; r: number; p: number; maxmem: number } {
  if (passphrase.length === 0) throw new RangeError('the passphrase must not be empty');
  if (salt.length !== SALT_LENGTH) throw new RangeError(`the salt must be ${SALT_LENGTH} bytes`);
  const problem = scryptProblem(params);
  if (problem) throw new RangeError(`scrypt parameters: ${problem}`);
  const { N, r, p } = params;
  return { N, r, p, maxmem: 256 * N * r + 128 * r * p + 2 ** 20 };
}

// The check is the scrypt output past the key: the key is the same whether or not the check is asked for.
function split(derived: Buffer): PassphraseKey {
  const bytes = new Uint8Array(derived.buffer, derived.byteOffset, derived.byteLength);
  return { key: bytes.subarray(0, KEY_LENGTH), check: bytes.subarray(KEY_LENGTH) };
}

/**
 * Derives the key of `passphrase` (bytes, encoded by the caller's rules)
 * and `salt`. Throws RangeError for an empty passphrase, a salt of the wrong
 * length or parameters out of bound; callers check parameters read from a
 * file with `scryptProblem` first, to report them in their own terms.
 */
export function derivePassphraseKeySync(passphrase: Uint8Array, salt: Uint8Array, params: ScryptParams): PassphraseKey {
  return split(scryptSync(passphrase, salt, KEY_LENGTH + CHECK_LENGTH, scryptOptions(passphrase, salt, params)));
}

/** As `derivePassphraseKeySync`, on libuv's thread pool so a server's event loop goes on meanwhile. */
export async function derivePassphraseKey(passphrase: Uint8Array, salt: Uint8Array, params: ScryptParams): Promise<PassphraseKey> {
  const options = scryptOptions(passphrase, salt, params);
  const derived = await new Promise<Buffer>((resolve, reject) => {
    scrypt(passphrase, salt, KEY_LENGTH + CHECK_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
  return split(derived);
}

export function wipePassphraseKey(k: PassphraseKey): void {
  wipe(k.key, k.check);
}

/** Compares in constant time. */
export const passphraseCheckMatches = (k: PassphraseKey, check: Uint8Array): boolean => equalBytes(k.check, check);

/** Seals `plaintext` under a fresh random nonce; returns nonce ∥ ciphertext ∥ tag. */
export function sealBox(k: PassphraseKey, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  return gcmSeal(k.key, defaultRandom(NONCE_LENGTH), plaintext, aad);
}

/** Opens nonce ∥ ciphertext ∥ tag; null when the key or the AAD is not the one it was sealed with, or the box was changed. */
export function openBox(k: PassphraseKey, box: Uint8Array, aad: Uint8Array): Uint8Array | null {
  return gcmOpen(k.key, box, aad);
}
