/**
 * The ML-KEM-1024 decapsulation of the rewrap service's hot path. liboqs
 * compiled to WebAssembly (vendor/liboqs, from @oqs/liboqs-js) is ~8× faster than pure-JS
 * @noble/post-quantum; it is used only after it agrees with noble on fresh
 * encapsulations and on implicit rejection, and noble stays the fallback.
 *
 * liboqs takes noble's 3168-byte FIPS 203 decapsulation key as it is. The
 * package's wrapper class mallocs and frees per call without zeroing, so this
 * module drives the Emscripten module directly: one instance, one buffer
 * allocated once, and the key and shared secret zeroed in WASM memory after
 * every call. Not thread-safe: load one per worker thread.
 */
import { randomBytes } from 'node:crypto';
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { equalBytes, wipe } from '../../core/bytes.js';
import type { Decapsulate, IdentityOptions } from '../../core/crypto/recipients/types.js';

export type { Decapsulate } from '../../core/crypto/recipients/types.js';

export type BackendPreference = 'auto' | 'liboqs' | 'noble';

export interface KemBackend {
  /** 'liboqs' or 'noble'. */
  readonly name: string;
  readonly decapsulate: Decapsulate;
  /**
   * What to pass to `fromSecret`: empty for noble, whose identities already
   * decapsulate through a prepared key (faster than plain `decapsulate`).
   */
  readonly identityOptions: IdentityOptions;
  /** Why liboqs is not used although it was asked for (auto or liboqs); never holds a secret. */
  readonly fallbackReason?: string;
  /** Zeroes and frees what the backend holds; `decapsulate` throws afterwards. */
  close(): void;
}

const CIPHERTEXT = 1568;
const SECRET_KEY = 3168;
const SHARED = 32;

/** What this module uses of the Emscripten module of `vendor/liboqs/ml-kem-1024.mjs`. */
interface OqsModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _OQS_init(): void;
  _OQS_KEM_new(namePtr: number): number;
  _OQS_KEM_free(kem: number): void;
  _OQS_KEM_decaps(kem: number, sharedSecret: number, ciphertext: number, secretKey: number): number;
  stringToUTF8(s: string, ptr: number, maxBytes: number): void;
}

const isOqsModule = (m: unknown): m is OqsModule =>
  typeof m === 'object' &&
  m !== null &&
  ['_malloc', '_free', '_OQS_init', '_OQS_KEM_new', '_OQS_KEM_free', '_OQS_KEM_decaps', 'stringToUTF8'].every(
    (f) => typeof (m as Record<string, unknown>)[f] === 'function',
  ) &&
  (m as Record<string, unknown>).HEAPU8 instanceof Uint8Array;

async function instantiate(): Promise<OqsModule> {
  const { default: factory } = await import('../../vendor/liboqs/ml-kem-1024.mjs');
  const m = await factory();
  if (!isOqsModule(m)) throw new Error('the liboqs module lacks the functions gitseal needs');
  return m;
}

/** One ML-KEM-1024 instance of liboqs with its buffers allocated once. */
async function liboqsBackend(): Promise<KemBackend> {
  const m = await instantiate();
  m._OQS_init();
  const name = 'ML-KEM-1024';
  const namePtr = m._malloc(name.length + 1);
  m.stringToUTF8(name, namePtr, name.length + 1);
  let kem = m._OQS_KEM_new(namePtr);
  m._free(namePtr);
  if (!kem) throw new Error('liboqs has no ML-KEM-1024');
  const buf = m._malloc(CIPHERTEXT + SECRET_KEY + SHARED);
  if (!buf) {
    m._OQS_KEM_free(kem);
    throw new Error('liboqs could not allocate its buffers');
  }
  const ctPtr = buf;
  const skPtr = buf + CIPHERTEXT;
  const ssPtr = skPtr + SECRET_KEY;

  const decapsulate: Decapsulate = (ciphertext, secretKey) => {
    if (!kem) throw new Error('the liboqs backend is closed');
    if (ciphertext.length !== CIPHERTEXT) throw new RangeError(`an ML-KEM-1024 ciphertext is ${CIPHERTEXT} bytes`);
    if (secretKey.length !== SECRET_KEY) throw new RangeError(`an ML-KEM-1024 secret key is ${SECRET_KEY} bytes`);
    // HEAPU8 is re-read on every call: Emscripten replaces it when the memory grows.
    m.HEAPU8.set(ciphertext, ctPtr);
    m.HEAPU8.set(secretKey, skPtr);
    try {
      // Non-zero only when the key fails the FIPS 203 §7.3 hash check; a bad ciphertext gives the implicit-rejection secret.
      if (m._OQS_KEM_decaps(kem, ssPtr, ctPtr, skPtr) !== 0) throw new Error('ML-KEM-1024 decapsulation refused the secret key');
      return m.HEAPU8.slice(ssPtr, ssPtr + SHARED);
    } finally {
      m.HEAPU8.fill(0, skPtr, ssPtr + SHARED);
    }
  };

  const close = (): void => {
    if (!kem) return;
    m.HEAPU8.fill(0, buf, buf + CIPHERTEXT + SECRET_KEY + SHARED);
    m._free(buf);
    m._OQS_KEM_free(kem);
    kem = 0;
  };
  return { name: 'liboqs', decapsulate, identityOptions: { decapsulate }, close };
}

const nobleBackend = (fallbackReason?: string): KemBackend => ({
  name: 'noble',
  decapsulate: (ciphertext, secretKey) => ml_kem1024.decapsulate(ciphertext, secretKey),
  identityOptions: {},
  close() {},
  ...(fallbackReason === undefined ? {} : { fallbackReason }),
});

/**
 * Throws unless `decapsulate` gives noble's shared secrets, for a fresh key:
 * on noble's encapsulations, and (implicit rejection) on corrupted ciphertexts.
 */
export function crossCheck(decapsulate: Decapsulate, rounds = 3): void {
  const seed = randomBytes(64);
  const { publicKey, secretKey } = ml_kem1024.keygen(seed);
  wipe(seed);
  try {
    for (let i = 0; i < rounds; i++) {
      const { cipherText, sharedSecret } = ml_kem1024.encapsulate(publicKey);
      if (!equalBytes(decapsulate(cipherText, secretKey), sharedSecret)) throw new Error('it decapsulates differently from noble');
      // Flip one bit (first byte, last byte, one in between): both must derive the same rejection secret.
      const bad = cipherText.slice();
      const at = [0, CIPHERTEXT - 1, 1 + (randomBytes(2).readUInt16BE() % (CIPHERTEXT - 2))][i % 3]!;
      bad[at]! ^= 1 << (i % 8);
      const rejected = ml_kem1024.decapsulate(bad, secretKey);
      if (equalBytes(rejected, sharedSecret)) throw new Error('noble accepted a corrupted ciphertext');
      if (!equalBytes(decapsulate(bad, secretKey), rejected)) throw new Error('its implicit rejection differs from noble');
    }
  } finally {
    wipe(secretKey);
  }
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);

/**
 * The fastest decapsulation that passes the cross-check: liboqs for 'auto'
 * and 'liboqs', noble for 'noble' or when liboqs does not load or disagrees
 * (`fallbackReason` then says why).
 */
export async function loadDecapsulator(prefer: BackendPreference = 'auto'): Promise<KemBackend> {
  if (prefer === 'noble') return nobleBackend();
  let backend: KemBackend | undefined;
  try {
    backend = await liboqsBackend();
    crossCheck(backend.decapsulate);
    return backend;
  } catch (e) {
    backend?.close();
    return nobleBackend(`liboqs is not used: ${reasonOf(e)}`);
  }
}
