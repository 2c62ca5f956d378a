/**
 * Keys for the commands git runs on its own (textconv, merge driver): never
 * a passphrase prompt, which would hang `git diff` behind a pager or a
 * rebase. No key, or a sealed keystore without GITSEAL_PASSPHRASE, is null:
 * the driver then does what it does for someone without the key.
 */
import { readFileSync } from 'node:fs';
import { isKeystoreSealed } from '../core/crypto/keystore.js';
import type { Identity } from '../core/crypto/recipients/types.js';
import { keyFileFor, loadIdentities } from './keys.js';

export async function driverIdentities(explicit: string | undefined): Promise<Identity[] | null> {
  const file = keyFileFor(explicit);
  if (!file) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  if (process.env.GITSEAL_PASSPHRASE === undefined && isKeystoreSealed(text)) return null;
  return loadIdentities(file);
}
