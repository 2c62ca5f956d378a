/**
 * Shared by `generate.ts` (writes the vector files, run by hand) and
 * `test/vectors.test.ts` (reads them): the deterministic random stream,
 * the fixed keys, and a JSON layout that keeps number tables on one line.
 */
import { createHash } from 'node:crypto';
import type { RandomSource } from '../../core/bytes.js';
import { formatRecipient, identityFromSecret } from '../../core/crypto/recipients/index.js';
import type { Identity, RecipientAlg } from '../../core/crypto/recipients/types.js';

export const VECTOR_DIR = new URL('./', import.meta.url);

/** How every vector's randomness is made; written into each file so other implementations can follow it. */
export const RANDOM_SPEC =
  'random(n) returns the next n bytes of the stream SHA-256(UTF-8(seed) || uint32be(0)) || SHA-256(UTF-8(seed) || uint32be(1)) || …';

/** The SHA-256 counter stream described by RANDOM_SPEC. Each call returns a fresh array. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  let block = new Uint8Array(0);
  let at = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; ) {
      if (at === block.length) {
        const c = Buffer.alloc(4);
        c.writeUInt32BE(counter++);
        block = new Uint8Array(createHash('sha256').update(seed, 'utf8').update(c).digest());
        at = 0;
      }
      const k = Math.min(n - o, block.length - at);
      out.set(block.subarray(at, at + k), o);
      o += k;
      at += k;
    }
    return out;
  };
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** The fixed identities the file vectors are encrypted to, by name. */
export const KEY_NAMES = ['hybrid', 'pq'] as const;
export type KeyName = (typeof KEY_NAMES)[number];
const KEY_ALGS: Record<KeyName, RecipientAlg> = { hybrid: 'mlkem1024-x25519', pq: 'mlkem1024' };

export interface KeyVector {
  alg: RecipientAlg;
  /** The raw secret `identityFromSecret` takes, hex. */
  secret: string;
  kid: string;
  recipient: string;
}

export function fixedKey(name: KeyName): KeyVector {
  const alg = KEY_ALGS[name];
  const secretLength = alg === 'mlkem1024' ? 64 : 96;
  const secret = seededRandom(`gitseal/vectors/identity/${alg}`)(secretLength);
  const identity = identityFromSecret(alg, secret);
  return { alg, secret: hex(secret), kid: identity.kid, recipient: formatRecipient(identity.recipient) };
}

export const identityOf = (k: KeyVector): Identity => identityFromSecret(k.alg, unhex(k.secret));

/**
 * JSON with two-space indentation, except that arrays of numbers or short
 * strings stay on one line, so the padding table reads as a table.
 */
export function formatJson(value: unknown, indent = ''): string {
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every((v) => typeof v === 'number' || (typeof v === 'string' && v.length <= 40));
    if (flat) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Replaces the base64url character at `index` of `s` (negative counts from
 * the end) by flipping the top bit of its 6-bit value, which every position
 * carries, so the decoded bytes always change.
 */
export function changeChar(s: string, index: number): string {
  const i = index < 0 ? s.length + index : index;
  const v = B64URL.indexOf(s[i]!);
  if (v < 0) throw new RangeError(`character ${i} of the field is not base64url`);
  return s.slice(0, i) + B64URL[v ^ 32]! + s.slice(i + 1);
}

/**
 * Sets the lowest bit of the last character of `s`, a bit base64url leaves
 * unused when the length is not a multiple of 4: the decoded bytes stay
 * the same, only the text is no longer canonical.
 */
export function nonCanonical(s: string): string {
  if (s.length % 4 === 0) throw new RangeError('a base64url string of this length has no unused bits');
  const v = B64URL.indexOf(s[s.length - 1]!);
  return s.slice(0, -1) + B64URL[v ^ 1]!;
}
