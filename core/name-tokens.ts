/**
 * Name tokens (DESIGN §3 "Names"): the key path of each value becomes one
 * deterministic token, AES-256-GCM-SIV (RFC 8452) under the names subkey
 * with a fixed nonce. Deterministic so an unchanged key keeps its token and
 * diffs stay small; reversible only with the DEK; the whole path is sealed,
 * so the same name under different parents gives different tokens and the
 * file does not reveal how keys nest.
 *
 * One document seals thousands of names under one key and nonce, so the
 * RFC's per-nonce key derivation and the POLYVAL state after the AAD are
 * computed once, and AES runs through node:crypto. `name-tokens.test.ts`
 * checks every token against @noble/ciphers' gcmsiv.
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { Polyval } from '@noble/ciphers/_polyval.js';
import { b64url, fromB64url, fromUtf8, lengthPrefixed, utf8, equalBytes } from './bytes.js';
import { fail } from './errors.js';
import { pad, unpad } from './padding.js';

export const TOKEN_PREFIX = 't.';
export const NAME_PAD_FLOOR = 16;
/** RFC 8452 allows any nonce; a fixed one makes the cipher deterministic, which is the point here. */
export const NAME_NONCE = new Uint8Array(12);

/** A value's place in a document: mapping keys and sequence indexes from the root. */
export type Path = ReadonlyArray<string | number>;

export const encodePath = (path: Path): string => JSON.stringify(path);

export function decodePath(text: string): Path {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('E_TAMPERED', 'a name token holds no valid path: the file was modified');
  }
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string' || (Number.isInteger(p) && p >= 0)))
    fail('E_TAMPERED', 'a name token holds no valid path: the file was modified');
  return parsed as Path;
}

class ReusablePolyval extends Polyval {
  snapshot(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }
  restore(s: [number, number, number, number]): void {
    [this.s0, this.s1, this.s2, this.s3] = s;
    this.finished = false;
  }
}

function aesBlocks(ecb: Cipher, blocks: Uint8Array): Uint8Array {
  return ecb.update(blocks);
}

function le64Bits(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n) * 8n, true);
  return out;
}

/** Seals and opens the name tokens of one document. */
export class NameCipher {
  private readonly ecb: Cipher;
  private readonly polyval: ReusablePolyval;
  private readonly afterAad: [number, number, number, number];
  private readonly aadBits: Uint8Array;

  constructor(namesKey: Uint8Array, docId: Uint8Array) {
    // RFC 8452 §4: derive the per-nonce authentication and encryption keys.
    const kgk = createCipheriv('aes-256-ecb', namesKey, null).setAutoPadding(false);
    const counters = new Uint8Array(6 * 16);
    for (let i = 0; i < 6; i++) {
      counters[i * 16] = i;
      counters.set(NAME_NONCE, i * 16 + 4);
    }
    const derived = aesBlocks(kgk, counters);
    const half = (i: number) => derived.subarray(i * 16, i * 16 + 8);
    const authKey = new Uint8Array([...half(0), ...half(1)]);
    const encKey = new Uint8Array([...half(2), ...half(3), ...half(4), ...half(5)]);
    derived.fill(0);
    this.ecb = createCipheriv('aes-256-ecb', encKey, null).setAutoPadding(false);
    encKey.fill(0);
    const aad = lengthPrefixed(['gitseal/name/v1', docId]);
    this.polyval = new ReusablePolyval(authKey);
    authKey.fill(0);
    this.polyval.update(aad);
    this.afterAad = this.polyval.snapshot();
    this.aadBits = le64Bits(aad.length);
  }

  private tagFor(plain: Uint8Array): Uint8Array {
    this.polyval.restore(this.afterAad);
    this.polyval.update(plain);
    const lengths = new Uint8Array(16);
    lengths.set(this.aadBits);
    lengths.set(le64Bits(plain.length), 8);
    this.polyval.update(lengths);
    const s = new Uint8Array(16);
    this.polyval.digestInto(s);
    for (let i = 0; i < 12; i++) s[i]! ^= NAME_NONCE[i]!;
    s[15]! &= 0x7f;
    return aesBlocks(this.ecb, s);
  }

  private ctr(tag: Uint8Array, data: Uint8Array): Uint8Array {
    const n = Math.ceil(data.length / 16);
    const blocks = new Uint8Array(n * 16);
    const view = new DataView(blocks.buffer);
    const first = new DataView(tag.buffer, tag.byteOffset, 4).getUint32(0, true);
    for (let i = 0; i < n; i++) {
      blocks.set(tag, i * 16);
      blocks[i * 16 + 15]! |= 0x80;
      view.setUint32(i * 16, (first + i) >>> 0, true);
    }
    const stream = aesBlocks(this.ecb, blocks);
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ stream[i]!;
    return out;
  }

  /** Raw RFC 8452 encryption (ciphertext || tag); exposed for the cross-check against noble. */
  sealBytes(plain: Uint8Array): Uint8Array {
    const tag = this.tagFor(plain);
    const out = new Uint8Array(plain.length + 16);
    out.set(this.ctr(tag, plain));
    out.set(tag, plain.length);
    return out;
  }

  /** Returns null when the token does not authenticate. */
  openBytes(sealed: Uint8Array): Uint8Array | null {
    if (sealed.length < 16) return null;
    const tag = sealed.subarray(sealed.length - 16);
    const plain = this.ctr(tag, sealed.subarray(0, sealed.length - 16));
    if (!equalBytes(this.tagFor(plain), tag)) return null;
    return plain;
  }

  seal(path: Path): string {
    return TOKEN_PREFIX + b64url(this.sealBytes(pad(utf8(encodePath(path)), NAME_PAD_FLOOR)));
  }

  /** Throws E_TAMPERED when the token was not made by this document's key. */
  open(token: string): Path {
    if (!token.startsWith(TOKEN_PREFIX)) fail('E_FORMAT', 'a name token does not start with "t."');
    const plain = this.openBytes(fromB64url(token.slice(TOKEN_PREFIX.length), 'a name token'));
    if (plain === null) fail('E_TAMPERED', 'a name token does not decrypt: the file was modified or the entry comes from another document');
    return decodePath(fromUtf8(unpad(plain)));
  }
}
