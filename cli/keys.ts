/**
 * Where the decrypting key comes from (DESIGN §7): --key, GITSEAL_KEY_FILE,
 * or the default keystore in the user's config folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { decodeKeystore, isKeystoreSealed } from '../core/keystore.js';
import type { Identity } from '../core/recipients/types.js';
import { promptHidden } from './prompt.js';

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

/** Loads the identities at hand; throws E_NO_KEY when there is none. */
export async function loadIdentities(explicit?: string): Promise<Identity[]> {
  const file = keyFileFor(explicit);
  if (!file) fail('E_NO_KEY', 'no key at hand: pass --key KEYFILE or set GITSEAL_KEY_FILE (create one with "gitseal keygen")');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return fail('E_NO_KEY', `cannot read the key file ${file}`);
  }
  const passphrase = isKeystoreSealed(text) ? await passphraseFor(file) : undefined;
  return decodeKeystore(text, passphrase);
}
