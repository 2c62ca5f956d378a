/**
 * Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted
 * Files and Communication with PURBs", 2019) with a floor, so a ciphertext
 * leaks only O(log log n) bits of its plaintext length. The plaintext is
 * followed by 0x80 and zeros (ISO/IEC 7816-4), which makes unpadding
 * unambiguous.
 */
import { fail } from '../errors.js';

export function padmeLength(n: number): number {
  if (n < 2) return n;
  const e = Math.floor(Math.log2(n));
  const s = Math.floor(Math.log2(e)) + 1;
  const mask = 2 ** (e - s) - 1;
  // The paper's (n + mask) & ~mask, without 32-bit bit operations.
  return Math.ceil(n / (mask + 1)) * (mask + 1);
}

export function paddedLength(n: number, floor: number): number {
  return Math.max(floor, padmeLength(n + 1));
}

export function pad(plain: Uint8Array, floor: number): Uint8Array {
  const out = new Uint8Array(paddedLength(plain.length, floor));
  out.set(plain);
  out[plain.length] = 0x80;
  return out;
}

/** pad(utf8(text)) in one allocation: the hot path of every value and name. */
export function padText(text: string, floor: number): Uint8Array {
  const n = Buffer.byteLength(text, 'utf8');
  const out = Buffer.alloc(paddedLength(n, floor));
  out.write(text, 0, 'utf8');
  out[n] = 0x80;
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Returns a view of `padded` without the padding; throws E_TAMPERED if the padding is malformed. */
export function unpad(padded: Uint8Array): Uint8Array {
  let i = padded.length - 1;
  while (i >= 0 && padded[i] === 0) i--;
  if (i < 0 || padded[i] !== 0x80) fail('E_TAMPERED', 'a value has malformed padding: the file was modified');
  return padded.subarray(0, i);
}
