/**
 * The local default root: scrypt(passphrase) → AES-256-GCM, the context as
 * AAD. Sealed blob:
 *
 *   'P' 0x01 | log2(N) r p (1 byte each) | salt (16) | check (16) | nonce (12) | ciphertext | tag (16)
 *
 * scrypt yields 48 bytes: the AES key and a check value, so a wrong
 * passphrase (E_PASSPHRASE) is told apart from a blob that does not open for
 * this context (E_TAMPERED). The check gives a guesser nothing the GCM tag
 * would not.
 */
import { scrypt, timingSafeEqual } from 'node:crypto';
import { gcmOpen, gcmSeal, NONCE_LENGTH, TAG_LENGTH } from '../../core/aead.js';
import { concat, defaultRandom, lengthPrefixed, utf8, wipe } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import type { RootOfTrust } from '../types.js';
import { SCRYPT_LIMITS, type PassphraseRootConfig, type ScryptParams } from './config.js';

const TAG = 0x50; // 'P'
const VERSION = 1;
const SALT_LENGTH = 16;
const CHECK_LENGTH = 16;
const HEADER_LENGTH = 2 + 3 + SALT_LENGTH + CHECK_LENGTH;
const AAD_LABEL = 'gitseal/root/passphrase/v1';

function derive(passphrase: Uint8Array, salt: Uint8Array, { N, r, p }: ScryptParams): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 32 + CHECK_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
    });
  });
}

function readParams(sealed: Uint8Array): ScryptParams {
  if (sealed.length < HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH || sealed[0] !== TAG) {
    fail('E_KEYSTORE', 'the sealed org key was not made by a passphrase root (check the root type in the configuration)');
  }
  if (sealed[1] !== VERSION) fail('E_KEYSTORE', `the sealed org key uses unknown passphrase-root version ${sealed[1]}`);
  const logN = sealed[2]!;
  const r = sealed[3]!;
  const p = sealed[4]!;
  if (logN < SCRYPT_LIMITS.minLogN || logN > SCRYPT_LIMITS.maxLogN || r < 1 || r > SCRYPT_LIMITS.maxR || p < 1 || p > SCRYPT_LIMITS.maxP) {
    fail('E_KEYSTORE', 'the sealed org key has scrypt parameters out of range');
  }
  return { N: 2 ** logN, r, p };
}

/** Throws E_ROOT when neither the configuration nor the environment holds a passphrase. */
export async function openPassphraseRoot(config: PassphraseRootConfig, env: NodeJS.ProcessEnv): Promise<RootOfTrust> {
  const text = config.passphrase ?? env[config.passphraseEnv];
  if (!text) fail('E_ROOT', `no root passphrase: set ${config.passphraseEnv}`);
  let passphrase: Uint8Array | null = utf8(text);
  const secret = (): Uint8Array => passphrase ?? fail('E_ROOT', 'the passphrase root is closed');

  return {
    kind: 'passphrase',
    description: `passphrase (scrypt N=2^${Math.log2(config.scrypt.N)})`,

    async seal(plaintext, context) {
      const { N, r, p } = config.scrypt;
      const salt = defaultRandom(SALT_LENGTH);
      const derived = await derive(secret(), salt, config.scrypt);
      const header = concat(Uint8Array.of(TAG, VERSION, Math.log2(N), r, p), salt, derived.subarray(32));
      try {
        const body = gcmSeal(derived.subarray(0, 32), defaultRandom(NONCE_LENGTH), plaintext, lengthPrefixed([AAD_LABEL, header, context]));
        return concat(header, body);
      } finally {
        wipe(derived);
      }
    },

    async unseal(sealed, context) {
      const params = readParams(sealed);
      const header = sealed.subarray(0, HEADER_LENGTH);
      const derived = await derive(secret(), header.subarray(5, 5 + SALT_LENGTH), params);
      try {
        if (!timingSafeEqual(derived.subarray(32), header.subarray(5 + SALT_LENGTH))) {
          fail('E_PASSPHRASE', `the root passphrase is wrong (from ${config.passphrase === undefined ? config.passphraseEnv : 'the configuration'})`);
        }
        const plain = gcmOpen(derived.subarray(0, 32), sealed.subarray(HEADER_LENGTH), lengthPrefixed([AAD_LABEL, header, context]));
        return plain ?? fail('E_TAMPERED', 'the sealed org key does not open for this key id: it was modified or belongs to another key');
      } finally {
        wipe(derived);
      }
    },

    async close() {
      if (passphrase) wipe(passphrase);
      passphrase = null;
    },
  };
}
