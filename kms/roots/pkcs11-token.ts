/**
 * A PKCS#11 token (HSM) as root: AES-256-GCM inside the token with a key
 * object that never leaves it. Sealed blob: 'H' 0x01 | iv (12) | ciphertext | tag (16),
 * with (blob header, context) as AAD.
 *
 * A module is loaded and initialized once per process and shared by every
 * root using it. Any failing call finalizes it, because a token that went
 * away only shows up again after C_Initialize (SoftHSM caches its slot list
 * until then), then the operation is tried once more on a fresh session:
 * a token that came back recovers, one that is still gone is E_ROOT_REVOKED.
 */
import { readFileSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import type { GcmParams, Mechanism, PKCS11 } from 'pkcs11js';
import { NONCE_LENGTH, TAG_LENGTH } from '../../core/crypto/aead.js';
import { concat, defaultRandom, lengthPrefixed, wipe } from '../../core/bytes.js';
import { fail, GitsealError, isGitsealError } from '../../core/errors.js';
import type { RootOfTrust } from './types.js';

/** What the token code needs of a pkcs11 root's configuration (pkcs11.ts parses it). */
export interface Pkcs11Settings {
  /** Path of the PKCS#11 module (.so). */
  module: string;
  tokenLabel: string;
  keyLabel: string;
  pinEnv: string;
  /** A file holding the PIN; wins over `pinEnv` when set. */
  pinFile?: string;
}

const TAG = 0x48; // 'H'
const VERSION = 1;
const AAD_LABEL = 'gitseal/root/pkcs11/v1';

interface Library {
  readonly path: string;
  readonly p: PKCS11;
  users: number;
  initialized: boolean;
  /** Bumped at every finalize: sessions from an older generation are dead. */
  generation: number;
}

interface Handles {
  session: Buffer;
  key: Buffer;
}

const libraries = new Map<string, Library>();

const errorCode = (e: unknown): number | undefined => (e instanceof pkcs11js.NativeError && 'code' in e && typeof e.code === 'number' ? e.code : undefined);

/** 'CKR_PIN_INCORRECT' and the like: names only, so no argument can leak into a message. */
function reason(e: unknown): string {
  const code = errorCode(e);
  if (code === undefined) return 'unknown error';
  const name = Object.entries(pkcs11js).find(([k, v]) => k.startsWith('CKR_') && v === code)?.[0];
  return name ?? `CKR 0x${code.toString(16)}`;
}

function acquire(path: string): Library {
  let lib = libraries.get(path);
  if (!lib) {
    const p = new pkcs11js.PKCS11();
    try {
      p.load(path);
    } catch {
      fail('E_ROOT', `cannot load the PKCS#11 module ${path}`);
    }
    lib = { path, p, users: 0, initialized: false, generation: 0 };
    libraries.set(path, lib);
  }
  lib.users++;
  return lib;
}

function initialize(lib: Library): void {
  if (lib.initialized) return;
  try {
    lib.p.C_Initialize();
  } catch (e) {
    if (errorCode(e) !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) fail('E_ROOT', `the PKCS#11 module ${lib.path} did not initialize (${reason(e)})`);
  }
  lib.initialized = true;
}

function finalize(lib: Library): void {
  if (lib.initialized) {
    try {
      lib.p.C_Finalize();
    } catch {
      // already gone: nothing to release
    }
  }
  lib.initialized = false;
  lib.generation++;
}

function readPin(config: Pkcs11Settings, env: NodeJS.ProcessEnv): string {
  let pin: string | undefined;
  if (config.pinFile !== undefined) {
    try {
      pin = readFileSync(config.pinFile, 'utf8').replace(/\r?\n$/, '');
    } catch {
      fail('E_ROOT', `cannot read the HSM PIN file ${config.pinFile}`);
    }
  } else pin = env[config.pinEnv];
  if (!pin) fail('E_ROOT', `no HSM PIN: ${config.pinFile === undefined ? `set ${config.pinEnv}` : `${config.pinFile} is empty`}`);
  return pin;
}

/** One session on the token, reopened whenever the module was finalized since. */
class TokenSession {
  private handles: (Handles & { generation: number }) | null = null;

  constructor(
    private readonly lib: Library,
    private readonly config: Pkcs11Settings,
    private readonly pin: string,
    private readonly rw: boolean,
  ) {}

  private get name(): string {
    return `token ${JSON.stringify(this.config.tokenLabel)}`;
  }

  private revoked(message: string): never {
    throw new GitsealError('E_ROOT_REVOKED', message);
  }

  open(): Handles {
    if (this.handles && this.handles.generation === this.lib.generation) return this.handles;
    this.drop();
    const session = this.login();
    try {
      const key = this.findKey(session) ?? this.revoked(`${this.name} has no AES key labelled ${JSON.stringify(this.config.keyLabel)}`);
      this.handles = { session, key, generation: this.lib.generation };
      return this.handles;
    } catch (e) {
      closeQuietly(this.lib.p, session);
      throw e;
    }
  }

  /** A new logged-in session; the caller closes it. */
  login(): Buffer {
    initialize(this.lib);
    const { p } = this.lib;
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === this.config.tokenLabel);
    if (!slot) this.revoked(`${this.name} is not present in ${this.lib.path}`);
    const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | (this.rw ? pkcs11js.CKF_RW_SESSION : 0));
    try {
      p.C_Login(session, pkcs11js.CKU_USER, this.pin);
    } catch (e) {
      if (errorCode(e) !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
        closeQuietly(p, session);
        this.revoked(`${this.name} refused the login (${reason(e)})`);
      }
    }
    return session;
  }

  findKey(session: Buffer): Buffer | null {
    const { p } = this.lib;
    p.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_LABEL, value: this.config.keyLabel },
    ]);
    try {
      const found = p.C_FindObjects(session, 2);
      if (found.length > 1) fail('E_ROOT', `${this.name} has more than one AES key labelled ${JSON.stringify(this.config.keyLabel)}`);
      return found[0] ?? null;
    } finally {
      p.C_FindObjectsFinal(session);
    }
  }

  drop(): void {
    if (this.handles && this.handles.generation === this.lib.generation) closeQuietly(this.lib.p, this.handles.session);
    this.handles = null;
  }

  /** Runs `op` on this session; see `retrying`. */
  run<T>(what: string, op: (h: Handles) => T): T {
    return retrying(this.lib, `${this.name} failed to ${what}`, () => op(this.open()), () => this.drop());
  }
}

/**
 * Runs `op`, and once more after a finalize when it fails (see the file
 * comment). PKCS#11 failures become E_ROOT_REVOKED with `failure` and the
 * CKR name; E_ROOT and errors that are not PKCS#11's pass unchanged.
 */
function retrying<T>(lib: Library, failure: string, op: () => T, drop: () => void): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return op();
    } catch (e) {
      drop();
      finalize(lib);
      if (isGitsealError(e, 'E_ROOT')) throw e;
      if (!isGitsealError(e) && !(e instanceof pkcs11js.NativeError)) throw e;
      if (attempt === 2) throw isGitsealError(e) ? e : new GitsealError('E_ROOT_REVOKED', `${failure} (${reason(e)})`);
    }
  }
}

function closeQuietly(p: PKCS11, session: Buffer): void {
  try {
    p.C_CloseSession(session);
  } catch {
    // the token or the module is gone: so is the session
  }
}

function gcm(iv: Buffer, aad: Uint8Array): Mechanism {
  const parameter: GcmParams = { type: pkcs11js.CK_PARAMS_AES_GCM, iv, ivBits: iv.length * 8, aad: Buffer.from(aad), tagBits: TAG_LENGTH * 8 };
  return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
}

const view = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * Throws E_ROOT when the module does not load or initialize or no PIN is
 * given. Token, login and key problems surface at the first seal/unseal
 * as E_ROOT_REVOKED, so a service can start and report them.
 */
export async function openPkcs11Root(config: Pkcs11Settings, env: NodeJS.ProcessEnv): Promise<RootOfTrust> {
  const pin = readPin(config, env);
  const lib = acquire(config.module);
  let token: TokenSession | null = new TokenSession(lib, config, pin, false);
  const open = (): TokenSession => token ?? fail('E_ROOT', 'the PKCS#11 root is closed');
  const header = Uint8Array.of(TAG, VERSION);

  return {
    kind: 'pkcs11',
    description: `pkcs11 token ${JSON.stringify(config.tokenLabel)} key ${JSON.stringify(config.keyLabel)} (${config.module})`,

    async seal(plaintext, context) {
      const iv = view(defaultRandom(NONCE_LENGTH));
      const body = open().run('encrypt', ({ session, key }) => {
        lib.p.C_EncryptInit(session, gcm(iv, lengthPrefixed([AAD_LABEL, header, context])), key);
        return lib.p.C_Encrypt(session, view(plaintext), Buffer.alloc(plaintext.length + TAG_LENGTH));
      });
      return concat(header, iv, body);
    },

    async unseal(sealed, context) {
      if (sealed.length < 2 + NONCE_LENGTH + TAG_LENGTH || sealed[0] !== TAG) {
        fail('E_KEYSTORE', 'the sealed org key was not made by a pkcs11 root (check the root type in the configuration)');
      }
      if (sealed[1] !== VERSION) fail('E_KEYSTORE', `the sealed org key uses unknown pkcs11-root version ${sealed[1]}`);
      const iv = Buffer.from(sealed.subarray(2, 2 + NONCE_LENGTH));
      const ct = view(sealed.subarray(2 + NONCE_LENGTH));
      return open().run('decrypt', ({ session, key }) => {
        const out = Buffer.alloc(ct.length);
        try {
          lib.p.C_DecryptInit(session, gcm(iv, lengthPrefixed([AAD_LABEL, header, context])), key);
          const plain = lib.p.C_Decrypt(session, ct, out);
          return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
        } catch (e) {
          wipe(out);
          throw e;
        }
      });
    },

    async close() {
      if (!token) return;
      token.drop();
      token = null;
      if (--lib.users === 0) finalize(lib);
    },
  };
}

/**
 * Makes the token's AES-256 key object (sensitive, not extractable) unless
 * one with the label exists; returns whether it made one. For `serve --dev`
 * and tests: production keys are made by the HSM's own tools.
 */
export async function createPkcs11Key(config: Pkcs11Settings, env: NodeJS.ProcessEnv): Promise<boolean> {
  const pin = readPin(config, env);
  const lib = acquire(config.module);
  const token = new TokenSession(lib, config, pin, true);
  const label = JSON.stringify(config.tokenLabel);
  try {
    return retrying(lib, `cannot make the key on token ${label}`, () => makeKey(lib.p, token, config.keyLabel), () => {});
  } finally {
    if (--lib.users === 0) finalize(lib);
  }
}

function makeKey(p: PKCS11, token: TokenSession, label: string): boolean {
  const session = token.login();
  try {
    if (token.findKey(session)) return false;
    p.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
    ]);
    return true;
  } finally {
    closeQuietly(p, session);
  }
}
