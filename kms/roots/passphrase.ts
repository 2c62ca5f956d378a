/**
 * The passphrase root: the org key sealed in the shared passphrase box
 * (core/crypto/passphrase-box.ts) with the context as AAD. Sealed blob:
 *
 *   'P' 0x01 | log2(N) r p (1 byte each) | salt (16) | check (16) | nonce (12) | ciphertext | tag (16)
 *
 * The check value tells a wrong passphrase (E_PASSPHRASE) from a blob that
 * does not open for this context (E_TAMPERED); it gives a guesser nothing
 * the GCM tag would not. The passphrase is sealed as given (its UTF-8, not
 * normalized), as it always was.
 */
import { NONCE_LENGTH, TAG_LENGTH } from '../../core/crypto/aead.js';
import { concat, lengthPrefixed, utf8, wipe } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import {
  CHECK_LENGTH, DEFAULT_SCRYPT, derivePassphraseKey, newSalt, openBox, passphraseCheckMatches, SALT_LENGTH, scryptProblem, sealBox,
  wipePassphraseKey, type ScryptParams,
} from '../../core/crypto/passphrase-box.js';
import type { RootOfTrust } from './types.js';
import { isRecord } from '../../core/is-record.js';
import { configFields } from './config.js';
import type { RootConfigCommon, RootModule } from './root-module.js';

export interface PassphraseRootConfig extends RootConfigCommon {
  type: 'passphrase';
  /** Inline passphrase; when absent it is read from `passphraseEnv`. */
  passphrase?: string;
  passphraseEnv: string;
  /** Parameters for sealing; unsealing reads them from the sealed blob. */
  scrypt: ScryptParams;
}

const DEFAULT_PASSPHRASE_ENV = 'GITSEAL_ROOT_PASSPHRASE';
/** What the configuration may ask for; the passphrase box's bound applies on top. */
const CONFIGURABLE = { minLogN: 14, maxLogN: 20, maxR: 32, maxP: 16 } as const;
/**
 * Cheaper than the box's default for keystores: the service derives the key again at every check of
 * its root (checkInterval), in a pod whose memory is sized for 32 MiB of scrypt, not 128.
 */
const ROOT_SCRYPT: Readonly<ScryptParams> = { ...DEFAULT_SCRYPT, N: 2 ** 15 };

const TAG = 0x50; // 'P'
const VERSION = 1;
const HEADER_LENGTH = 2 + 3 + SALT_LENGTH + CHECK_LENGTH;
const AAD_LABEL = 'gitseal/root/passphrase/v1';

export const passphraseRoot: RootModule<PassphraseRootConfig> = {
  kind: 'passphrase',
  fields: ['passphrase', 'passphraseEnv', 'scrypt'],
  example: { type: 'passphrase', passphraseEnv: DEFAULT_PASSPHRASE_ENV, scrypt: { ...ROOT_SCRYPT } },

  parse(read, { checkInterval }) {
    if (read.has('passphrase') && read.has('passphraseEnv')) fail('E_CONFIG', `${read.where}: give passphrase or passphraseEnv, not both`);
    const passphrase = read.optString('passphrase');
    return {
      type: 'passphrase',
      ...(passphrase === undefined ? {} : { passphrase }),
      passphraseEnv: read.envName('passphraseEnv', DEFAULT_PASSPHRASE_ENV),
      scrypt: scryptParams(read.raw('scrypt'), `${read.where}: scrypt`),
      checkInterval,
    };
  },

  load: async () => ({ open: openPassphraseRoot }),
};

function scryptParams(value: unknown, where: string): ScryptParams {
  if (value === undefined) return { ...ROOT_SCRYPT };
  if (!isRecord(value)) fail('E_CONFIG', `${where} must be a mapping with N, r, p`);
  for (const k of Object.keys(value)) if (!['N', 'r', 'p'].includes(k)) fail('E_CONFIG', `${where}: unknown field ${k}`);
  const f = configFields(value, where);
  const N = f.number('N', ROOT_SCRYPT.N, 2 ** CONFIGURABLE.minLogN, 2 ** CONFIGURABLE.maxLogN);
  if ((N & (N - 1)) !== 0) fail('E_CONFIG', `${where}: N must be a power of two`);
  const params = { N, r: f.number('r', ROOT_SCRYPT.r, 1, CONFIGURABLE.maxR), p: f.number('p', ROOT_SCRYPT.p, 1, CONFIGURABLE.maxP) };
  const problem = scryptProblem(params);
  if (problem) fail('E_CONFIG', `${where}: ${problem}`);
  return params;
}

function readParams(sealed: Uint8Array): ScryptParams {
  if (sealed.length < HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH || sealed[0] !== TAG) {
    fail('E_KEYSTORE', 'the sealed org key was not made by a passphrase root (check the root type in the configuration)');
  }
  if (sealed[1] !== VERSION) fail('E_KEYSTORE', `the sealed org key uses unknown passphrase-root version ${sealed[1]}`);
  const params = { N: 2 ** sealed[2]!, r: sealed[3]!, p: sealed[4]! };
  if (scryptProblem(params)) fail('E_KEYSTORE', 'the sealed org key has scrypt parameters out of range');
  return params;
}

/** Throws E_ROOT when neither the configuration nor the environment holds a passphrase. */
export async function openPassphraseRoot(config: PassphraseRootConfig, env: NodeJS.ProcessEnv): Promise<RootOfTrust> {
  const text = config.passphrase ?? env[config.passphraseEnv];
  if (!text) fail('E_ROOT', `no root passphrase: set ${config.passphraseEnv}`);
  let passphrase: Uint8Array | null = utf8(text);
  const secret = (): Uint8Array => passphrase ?? fail('E_ROOT', 'the passphrase root is closed');
  const aad = (header: Uint8Array, context: string): Uint8Array => lengthPrefixed([AAD_LABEL, header, context]);

  return {
    kind: 'passphrase',
    description: `passphrase (scrypt N=2^${Math.log2(config.scrypt.N)})`,

    async seal(plaintext, context) {
      const { N, r, p } = config.scrypt;
      const salt = newSalt();
      const key = await derivePassphraseKey(secret(), salt, config.scrypt);
      try {
        const header = concat(Uint8Array.of(TAG, VERSION, Math.log2(N), r, p), salt, key.check);
        return concat(header, sealBox(key, plaintext, aad(header, context)));
      } finally {
        wipePassphraseKey(key);
      }
    },

    async unseal(sealed, context) {
      const params = readParams(sealed);
      const header = sealed.subarray(0, HEADER_LENGTH);
      const key = await derivePassphraseKey(secret(), header.subarray(5, 5 + SALT_LENGTH), params);
      try {
        if (!passphraseCheckMatches(key, header.subarray(5 + SALT_LENGTH))) {
          fail('E_PASSPHRASE', `the root passphrase is wrong (from ${config.passphrase === undefined ? config.passphraseEnv : 'the configuration'})`);
        }
        const plain = openBox(key, sealed.subarray(HEADER_LENGTH), aad(header, context));
        return plain ?? fail('E_TAMPERED', 'the sealed org key does not open for this key id: it was modified or belongs to another key');
      } finally {
        wipePassphraseKey(key);
      }
    },

    async close() {
      if (passphrase) wipe(passphrase);
      passphrase = null;
    },
  };
}
