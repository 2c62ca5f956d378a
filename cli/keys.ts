/**
 * Where the decrypting key comes from
 * (docs/ARCHITECTURE.md#decrypting-on-a-laptop-or-in-ci): --key,
 * GITSEAL_KEY_FILE, the rewrap service (GITSEAL_SERVER), or the default
 * keystore in the user's config folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fail, GitsealError } from '../core/errors.js';
import { decodeKeystore, isKeystoreSealed } from '../core/crypto/keystore.js';
import type { Identity } from '../core/crypto/recipients/types.js';
import { fileVersion } from '../runtime/file-version.js';
import { promptHidden, promptNewPassphrase } from './prompt.js';

export function defaultKeyFile(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'gitseal', 'keys.yaml');
}

export function keyFileFor(explicit?: string): string | null {
  if (explicit) return explicit;
  if (process.env.GITSEAL_KEY_FILE) return process.env.GITSEAL_KEY_FILE;
  const def = defaultKeyFile();
  return existsSync(def) ? def : null;
}

export async function passphraseFor(file: string): Promise<string> {
  const env = process.env.GITSEAL_PASSPHRASE;
  if (env !== undefined) return env;
  if (process.stdin.isTTY) return promptHidden(`Passphrase for ${file}: `);
  return fail('E_PASSPHRASE', `${file} is sealed with a passphrase: set GITSEAL_PASSPHRASE or run on a terminal`);
}

/**
 * The passphrase that seals a new keystore: GITSEAL_PASSPHRASE, else typed
 * twice on the terminal (a typo would seal a key nobody can open). Throws
 * E_PASSPHRASE without either, or when the two never match.
 */
export async function newPassphraseFor(file: string): Promise<string> {
  const env = process.env.GITSEAL_PASSPHRASE;
  if (env !== undefined) return env;
  if (process.stdin.isTTY) return promptNewPassphrase(file);
  return fail('E_PASSPHRASE', `a passphrase for ${file} is needed: set GITSEAL_PASSPHRASE or run on a terminal`);
}

/** True when a key is at hand: a keystore, or the rewrap service (GITSEAL_SERVER). */
export const keyAtHand = (explicit?: string): boolean => keyFileFor(explicit) !== null || !!process.env.GITSEAL_SERVER;

/**
 * The identities that open `texts`: --key or GITSEAL_KEY_FILE first, then
 * the rewrap service when GITSEAL_SERVER is set (it is asked only for
 * these files' envelopes), then the default keystore.
 */
export async function identitiesFor(texts: readonly string[], explicit?: string): Promise<Identity[]> {
  if (!explicit && !process.env.GITSEAL_KEY_FILE && process.env.GITSEAL_SERVER) {
    const { serviceIdentities } = await import('./remote-identities.js');
    return serviceIdentities(texts);
  }
  return loadIdentities(explicit);
}

/** Each keystore is read (and its passphrase asked) once per command, however many files the command opens; a rewritten file is read again. */
const loaded = new Map<string, Promise<Identity[]>>();


/** Loads the identities at hand; throws E_NO_KEY when there is none. */
export function loadIdentities(explicit?: string): Promise<Identity[]> {
  const file = keyFileFor(explicit);
  if (!file) return Promise.reject(new GitsealError('E_NO_KEY', 'no key at hand: pass --key KEYFILE or set GITSEAL_KEY_FILE (create one with "gitseal keygen")'));
  const key = fileVersion(file);
  let identities = loaded.get(key);
  if (!identities) {
    identities = readKeystore(file);
    loaded.set(key, identities);
    identities.catch(() => loaded.delete(key));
  }
  return identities;
}

async function readKeystore(file: string): Promise<Identity[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return fail('E_NO_KEY', `cannot read the key file ${file}`);
  }
  warnIfShared(file, 'keystore');
  const passphrase = isKeystoreSealed(text) ? await passphraseFor(file) : undefined;
  return decodeKeystore(text, passphrase);
}

/** Like ssh, a private key file others can read gets a warning (it is still used: refusing would lock people out mid-task). */
export function warnIfShared(file: string, what: string): void {
  try {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) process.stderr.write(`gitseal: warning: the ${what} ${file} is readable by ${mode & 0o007 ? 'others' : 'its group'} (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 ${file}\n`);
  } catch {
    /* read just before; gone meanwhile */
  }
}
