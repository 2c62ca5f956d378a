/** Small byte helpers shared by the format modules. Inputs are checked where they enter. */
import { randomBytes } from 'node:crypto';
import { fail } from './errors.js';

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is part of the text (a value may start with one), not a marker to drop.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const utf8 = (s: string): Uint8Array => encoder.encode(s);
export const fromUtf8 = (b: Uint8Array): string => decoder.decode(b);

export function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * True when the last character leaves base64url's unused low bits set.
 * Node ignores those bits, so such text decodes like its canonical form:
 * refusing it means every edit of a binary field changes its bytes.
 */
function hasUnusedBits(s: string): boolean {
  const unused = [0, 0, 0x0f, 0x03][s.length % 4]!;
  return unused !== 0 && (B64URL_ALPHABET.indexOf(s[s.length - 1]!) & unused) !== 0;
}

/** Decodes canonical unpadded base64url; throws E_FORMAT naming `what` on anything else. */
export function fromB64url(s: string, what: string): Uint8Array {
  if (typeof s !== 'string' || !B64URL.test(s) || s.length % 4 === 1 || hasUnusedBits(s)) fail('E_FORMAT', `${what} is not base64url`);
  const b = Buffer.from(s, 'base64url');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Canonical encoding used for every AAD and MAC input: each field as a
 * 4-byte big-endian length followed by its bytes, so no two field lists
 * encode to the same bytes. Strings are UTF-8.
 */
export function lengthPrefixed(fields: ReadonlyArray<Uint8Array | string>): Uint8Array {
  const bytes = fields.map((f) => (typeof f === 'string' ? utf8(f) : f));
  let n = 0;
  for (const b of bytes) n += 4 + b.length;
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const b of bytes) {
    view.setUint32(o, b.length);
    out.set(b, o + 4);
    o += 4 + b.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Overwrites key material that is no longer needed. */
export function wipe(...arrays: Uint8Array[]): void {
  for (const a of arrays) a.fill(0);
}

export function checkBytes(value: unknown, length: number, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (value.length !== length) throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
}

/**
 * Where sealing takes its randomness: `n` fresh bytes per call. Injectable
 * (docs/STYLE.md#randomness-and-time) so known-answer vectors can be made
 * with a fixed stream; every default is `defaultRandom`. Each call must
 * return a fresh array: the caller may wipe it.
 */
export type RandomSource = (n: number) => Uint8Array;

/** node:crypto's CSPRNG. */
export const defaultRandom: RandomSource = (n) => {
  const b = randomBytes(n);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/** Draws `n` bytes from `random`; throws RangeError naming `what` when the source returns another length. */
export function draw(random: RandomSource, n: number, what: string): Uint8Array {
  const b = random(n);
  checkBytes(b, n, `random bytes for the ${what}`);
  return b;
}
