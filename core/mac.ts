/**
 * The document MAC (DESIGN §3 "MAC"): HMAC-SHA-256 under the MAC subkey
 * over a canonical, length-prefixed encoding of everything that must not
 * change without the DEK: version, mode, scope binding, document id,
 * recipient kids, readable fields, the layout and every (token, ciphertext)
 * pair in order. Detects removed, added, reordered or rolled-back values.
 */
import { createHmac } from 'node:crypto';
import { equalBytes } from './bytes.js';
import { LAYOUT_SLOT } from './values.js';

export interface MacInput {
  readonly mode: string;
  readonly scopeBinding: string;
  readonly docId: Uint8Array;
  readonly kids: readonly string[];
  /** Canonical JSON of the readable fields the MAC protects ('' when none). */
  readonly readable: string;
  readonly layout: string;
  readonly entries: ReadonlyArray<readonly [string, string]>;
}

export function computeMac(macKey: Uint8Array, m: MacInput): Uint8Array {
  const h = createHmac('sha256', macKey);
  const len = Buffer.alloc(4);
  const field = (f: string | Uint8Array) => {
    const b = typeof f === 'string' ? Buffer.from(f, 'utf8') : f;
    len.writeUInt32BE(b.length);
    h.update(len);
    h.update(b);
  };
  field('gitseal/mac/v1');
  field(m.mode);
  field(m.scopeBinding);
  field(m.docId);
  field(String(m.kids.length));
  for (const k of m.kids) field(k);
  field(m.readable);
  field(LAYOUT_SLOT);
  field(m.layout);
  field(String(m.entries.length));
  for (const [token, ct] of m.entries) {
    field(token);
    field(ct);
  }
  return new Uint8Array(h.digest());
}

export function macMatches(macKey: Uint8Array, m: MacInput, mac: Uint8Array): boolean {
  return equalBytes(computeMac(macKey, m), mac);
}
