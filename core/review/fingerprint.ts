/**
 * Keyed value fingerprints: enough to see that a value changed (or that two
 * values are equal) without showing it. HMAC-SHA-256 under a subkey of the
 * document's DEK, so only a key holder can compute or compare them, and a
 * fingerprint cannot be brute-forced for low-entropy values (PINs, ports)
 * by someone who only has the encrypted file.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { checkBytes, wipe } from '../bytes.js';
import type { OpenedDocument } from '../format/seal.js';

export const FINGERPRINT_INFO = 'gitseal/v1/fingerprint';
/** Bytes of the HMAC kept: 8 bytes, 16 hex characters. */
export const FINGERPRINT_BYTES = 8;

/**
 * `hex(HMAC-SHA-256(HKDF-SHA-256(dek, salt = docId, info = "gitseal/v1/fingerprint"), utf8(plaintext))[0..8])`.
 * `plaintext` is the value's exact source text (quotes included), as
 * `OpenedDocument.raws` holds it. Throws TypeError/RangeError for a DEK that
 * is not 32 bytes.
 */
export function fingerprint(dek: Uint8Array, docId: Uint8Array, plaintext: string): string {
  const key = fingerprintKey(dek, docId);
  try {
    return fingerprintWith(key, plaintext);
  } finally {
    wipe(key);
  }
}

function fingerprintKey(dek: Uint8Array, docId: Uint8Array): Uint8Array {
  checkBytes(dek, 32, 'dek');
  return new Uint8Array(hkdfSync('sha256', dek, docId, FINGERPRINT_INFO, 32));
}

const fingerprintWith = (key: Uint8Array, plaintext: string): string =>
  createHmac('sha256', key).update(plaintext, 'utf8').digest().subarray(0, FINGERPRINT_BYTES).toString('hex');

/**
 * The documents' plaintext with every value replaced by `<fp:HEX>`: key
 * names, comments and layout as written, values never (the view
 * `gitseal git textconv` gives `git diff`). It has the plaintext's lines,
 * one for one (see `masked`), so a hunk's line numbers are the decrypted
 * file's. `headers[i]`, when given, is a line put at the top of document i
 * (after its `---`), such as its writer.
 */
export function fingerprintedView(opened: readonly OpenedDocument[], headers: readonly string[] = []): string {
  return opened
    .map((o, i) => {
      const key = fingerprintKey(o.dek, o.doc.envelope.docId);
      const parts: string[] = [withHeader(o.chunks[0] ?? '', headers[i])];
      o.raws.forEach((raw, i) => parts.push(masked(raw, fingerprintWith(key, raw)), o.chunks[i + 1] ?? ''));
      wipe(key);
      return parts.join('');
    })
    .join('');
}

/** `header` as a line of its own at the top of a document's first chunk, after a `---` line that opens it. */
function withHeader(chunk: string, header: string | undefined): string {
  if (header === undefined) return chunk;
  const start = /^---[^\n]*\n/.exec(chunk)?.[0] ?? '';
  return `${start}${header}\n${chunk.slice(start.length)}`;
}

/** What a value's lines after its first show: the value goes on, and its text is hidden. */
const CONTINUATION = '<fp:...>';

/**
 * A value's source replaced line for line: `<fp:HEX>` on its first line, and on each further line (a block
 * scalar's body, a quoted or plain scalar that runs over lines) its indentation and CONTINUATION, blank lines
 * and line endings (CRLF too) as they were. Without this a block scalar's body, which ends with its newline,
 * collapsed into the fingerprint and the next key ran onto its line (`dsn: <fp:…>data:`).
 */
function masked(raw: string, hex: string): string {
  return raw
    .split('\n')
    .map((line, i) => {
      const cr = line.endsWith('\r') ? '\r' : '';
      const body = cr ? line.slice(0, -1) : line;
      if (i === 0) return `<fp:${hex}>${cr}`;
      const indent = /^[ \t]*/.exec(body)?.[0] ?? '';
      return body.length > indent.length ? `${indent}${CONTINUATION}${cr}` : line;
    })
    .join('\n');
}
