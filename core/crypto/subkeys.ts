/**
 * HKDF-SHA-256 derives one subkey per purpose from the DEK, so no key is ever
 * used for two jobs (schemas/FORMAT.md §4).
 */
import { hkdfSync } from 'node:crypto';
import { checkBytes } from '../bytes.js';

export interface Subkeys {
  readonly values: Uint8Array;
  readonly names: Uint8Array;
  readonly mac: Uint8Array;
}

const derive = (dek: Uint8Array, docId: Uint8Array, purpose: string): Uint8Array =>
  new Uint8Array(hkdfSync('sha256', dek, docId, `gitseal/v1/${purpose}`, 32));

export function deriveSubkeys(dek: Uint8Array, docId: Uint8Array): Subkeys {
  checkBytes(dek, 32, 'dek');
  return { values: derive(dek, docId, 'values'), names: derive(dek, docId, 'names'), mac: derive(dek, docId, 'mac') };
}
