/**
 * Name tokens (schemas/FORMAT.md §6): the key path of each value becomes one
 * deterministic token, AES-256-GCM-SIV (RFC 8452) under the names subkey with
 * a fixed nonce. Deterministic so an unchanged key keeps its token and diffs
 * stay small; reversible only with the DEK; the whole path is sealed, so the
 * same name under different parents gives different tokens and the file does
 * not reveal how keys nest.
 *
 * One document seals thousands of names under one key and nonce, so the
 * RFC's per-nonce key derivation and the POLYVAL state after the AAD are
 * computed once, and AES runs through node:crypto. `name-tokens.test.ts`
 * checks every token against @noble/ciphers' gcmsiv.
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { PolyvalState, type HashState } from '../crypto/ghash-state.js';
import { b64url, fromB64url, fromUtf8, lengthPrefixed, equalBytes } from '../bytes.js';
import { fail } from '../errors.js';
import { padText, unpad } from '../crypto/padding.js';

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

function aesBlocks(ecb: Cipher, blocks: Uint8Array): Uint8Array {
  return ecb.update(blocks);
}

/** Seals and opens the name tokens of one document. */
export class NameCipher {
  private readonly ecb: Cipher;
  private readonly polyval: PolyvalState;
  private readonly afterAad: HashState;
  private readonly aadLength: number;

  /** `expectedNames` sizes POLYVAL's table: big tables pay off only for many names. */
  constructor(namesKey: Uint8Array, docId: Uint8Array, expectedNames = 16) {
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
    this.polyval = new PolyvalState(authKey, expectedNames * 64);
    authKey.fill(0);
    this.polyval.absorb(aad);
    this.afterAad = this.polyval.save();
    this.aadLength = aad.length;
  }

  /** POLYVAL of one plaintext, nonce mixed in: the block AES turns into the tag (RFC 8452 §4). */
  private preTag(plain: Uint8Array): Uint8Array {
    this.polyval.load(this.afterAad);
    this.polyval.absorb(plain);
    this.polyval.absorbLengths(this.aadLength, plain.length);
    const s = new Uint8Array(16);
    this.polyval.digestTo(s);
    for (let i = 0; i < 12; i++) s[i]! ^= NAME_NONCE[i]!;
    s[15]! &= 0x7f;
    return s;
  }

  private tagFor(plain: Uint8Array): Uint8Array {
    return aesBlocks(this.ecb, this.preTag(plain));
  }

  /** Counter blocks for a message of `n` bytes under `tag` (32-bit little-endian counter, top bit set). */
  private counterBlocks(tag: Uint8Array, n: number, into: Uint8Array, at: number): void {
    const view = new DataView(into.buffer, into.byteOffset);
    const first = new DataView(tag.buffer, tag.byteOffset, 4).getUint32(0, true);
    for (let i = 0; i < Math.ceil(n / 16); i++) {
      into.set(tag, at + i * 16);
      into[at + i * 16 + 15]! |= 0x80;
      view.setUint32(at + i * 16, (first + i) >>> 0, true);
    }
  }

  private ctr(tag: Uint8Array, data: Uint8Array): Uint8Array {
    const blocks = new Uint8Array(Math.ceil(data.length / 16) * 16);
    this.counterBlocks(tag, data.length, blocks, 0);
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
    return this.sealAll([path])[0]!;
  }

  /** Seals many paths with two AES passes in all, instead of two per path. */
  sealAll(paths: readonly Path[]): string[] {
    const plains = paths.map((p) => padText(encodePath(p), NAME_PAD_FLOOR));
    const pre = new Uint8Array(16 * plains.length);
    plains.forEach((p, i) => pre.set(this.preTag(p), 16 * i));
    const tags = aesBlocks(this.ecb, pre);
    const offsets: number[] = [];
    let total = 0;
    for (const p of plains) {
      offsets.push(total);
      total += Math.ceil(p.length / 16) * 16;
    }
    const counters = new Uint8Array(total);
    plains.forEach((p, i) => this.counterBlocks(tags.subarray(16 * i, 16 * i + 16), p.length, counters, offsets[i]!));
    const stream = aesBlocks(this.ecb, counters);
    return plains.map((p, i) => {
      const out = new Uint8Array(p.length + 16);
      for (let k = 0; k < p.length; k++) out[k] = p[k]! ^ stream[offsets[i]! + k]!;
      out.set(tags.subarray(16 * i, 16 * i + 16), p.length);
      return TOKEN_PREFIX + b64url(out);
    });
  }

  /** Throws E_TAMPERED when the token was not made by this document's key. */
  open(token: string): Path {
    if (!token.startsWith(TOKEN_PREFIX)) fail('E_FORMAT', 'a name token does not start with "t."');
    const plain = this.openBytes(fromB64url(token.slice(TOKEN_PREFIX.length), 'a name token'));
    if (plain === null) fail('E_TAMPERED', 'a name token does not decrypt: the file was modified or the entry comes from another document');
    return decodePath(fromUtf8(unpad(plain)));
  }
}
