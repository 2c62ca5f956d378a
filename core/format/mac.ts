/**
 * The document MAC (schemas/FORMAT.md §9): HMAC-SHA-256 under the MAC subkey
 * over a canonical, length-prefixed encoding of everything that must not
 * change without the DEK: version, mode, scope binding, document id,
 * the document's place in its file, recipient kids, readable fields, the
 * layout and every (token, ciphertext) pair in order. Detects removed, added,
 * reordered or rolled-back values, and documents moved within or between files.
 */
import { createHmac } from 'node:crypto';
import { equalBytes } from '../bytes.js';
import { LAYOUT_SLOT } from './values.js';
import type { FileBinding } from './encrypted-document.js';

export interface MacInput {
  readonly mode: string;
  readonly scopeBinding: string;
  readonly docId: Uint8Array;
  readonly file: FileBinding;
  readonly kids: readonly string[];
  /** Canonical JSON of the readable fields the MAC protects ('' when none). */
  readonly readable: string;
  readonly layout: string;
  readonly entries: ReadonlyArray<readonly [string, string]>;
}

export function computeMac(macKey: Uint8Array, m: MacInput): Uint8Array {
  // One buffer and one HMAC update: thousands of small updates cost more than the hashing.
  const fields: Array<string | Uint8Array> = ['gitseal/mac/v1', m.mode, m.scopeBinding, m.docId, ...fileFields(m.file), String(m.kids.length), ...m.kids, m.readable, LAYOUT_SLOT, m.layout, String(m.entries.length)];
  for (const [token, ct] of m.entries) fields.push(token, ct);
  let size = 0;
  for (const f of fields) size += 4 + (typeof f === 'string' ? Buffer.byteLength(f) : f.length);
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  for (const f of fields) {
    const n = typeof f === 'string' ? buf.write(f, at + 4) : (buf.set(f, at + 4), f.length);
    buf.writeUInt32BE(n, at);
    at += 4 + n;
  }
  return new Uint8Array(createHmac('sha256', macKey).update(buf).digest());
}

/** The file binding as MAC and signature inputs carry it: file id, the previous document's id (empty for the first), `last` or `more`. */
export const fileFields = (f: FileBinding): [Uint8Array, Uint8Array, string] => [f.fileId, f.after ?? new Uint8Array(0), f.last ? 'last' : 'more'];

export function macMatches(macKey: Uint8Array, m: MacInput, mac: Uint8Array): boolean {
  return equalBytes(computeMac(macKey, m), mac);
}
