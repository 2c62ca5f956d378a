/**
 * noble's GHASH and POLYVAL tables, driven without allocating: noble's own
 * `update()` copies its input and makes a typed-array view per call, which
 * costs more than the arithmetic when a batch hashes thousands of 2-block
 * messages. State can be saved after a shared prefix and restored per
 * message. Outputs are checked against node:crypto and noble in the tests of
 * gcm-batch.ts and name-tokens.ts.
 */
import { GHASH, _toGHASHKey } from '@noble/ciphers/_polyval.js';

export type HashState = readonly [number, number, number, number];

const le32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const be32 = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const bswap = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
const putLe32 = (out: Uint8Array, at: number, x: number) => {
  out[at] = x & 0xff;
  out[at + 1] = (x >>> 8) & 0xff;
  out[at + 2] = (x >>> 16) & 0xff;
  out[at + 3] = x >>> 24;
};

// Bytes at or past `end` read as zero: the zero padding of a message's last block, without a copy.
const byteAt = (b: Uint8Array, i: number, end: number) => (i < end ? b[i]! : 0);
const le32To = (b: Uint8Array, i: number, end: number) =>
  (byteAt(b, i, end) | (byteAt(b, i + 1, end) << 8) | (byteAt(b, i + 2, end) << 16) | (byteAt(b, i + 3, end) << 24)) >>> 0;
const be32To = (b: Uint8Array, i: number, end: number) =>
  ((byteAt(b, i, end) << 24) | (byteAt(b, i + 1, end) << 16) | (byteAt(b, i + 2, end) << 8) | byteAt(b, i + 3, end)) >>> 0;

/**
 * Multiplies by H with noble's 8-bit-window table copied into an
 * Int32Array: noble's loop allocates and destructures per block.
 */
const product: [number, number, number, number] = [0, 0, 0, 0];
function fastMultiply(table: Int32Array, x0: number, x1: number, x2: number, x3: number): [number, number, number, number] {
  let o0 = 0, o1 = 0, o2 = 0, o3 = 0; // prettier-ignore
  for (let w = 0; w < 16; w++) {
    const num = w < 4 ? x0 : w < 8 ? x1 : w < 12 ? x2 : x3;
    const e = (w * 256 + ((num >>> (8 * (w & 3))) & 0xff)) * 4;
    o0 ^= table[e]!;
    o1 ^= table[e + 1]!;
    o2 ^= table[e + 2]!;
    o3 ^= table[e + 3]!;
  }
  product[0] = o0 >>> 0;
  product[1] = o1 >>> 0;
  product[2] = o2 >>> 0;
  product[3] = o3 >>> 0;
  return product;
}

function tableOf(t: ReadonlyArray<{ s0: number; s1: number; s2: number; s3: number }>): Int32Array {
  const table = new Int32Array(t.length * 4);
  t.forEach((e, i) => table.set([e.s0, e.s1, e.s2, e.s3], i * 4));
  return table;
}

export class GhashState extends GHASH {
  private readonly table: Int32Array | null;
  constructor(key: Uint8Array, expectedBytes: number) {
    super(key, expectedBytes);
    this.table = this.t.length === 16 * 256 ? tableOf(this.t) : null;
  }
  protected override _updateBlock(s0: number, s1: number, s2: number, s3: number): void {
    if (!this.table) return super._updateBlock(s0, s1, s2, s3);
    [this.s0, this.s1, this.s2, this.s3] = fastMultiply(this.table, s0 ^ this.s0, s1 ^ this.s1, s2 ^ this.s2, s3 ^ this.s3);
  }
  save(): HashState {
    return [this.s0, this.s1, this.s2, this.s3];
  }
  load(s: HashState): void {
    [this.s0, this.s1, this.s2, this.s3] = s;
  }
  /** Absorbs bytes [start, end), zero-padding the last block (GCM pads AAD and ciphertext separately). */
  absorb(data: Uint8Array, start = 0, end = data.length): void {
    let i = start;
    for (; i + 16 <= end; i += 16) this._updateBlock(le32(data, i), le32(data, i + 4), le32(data, i + 8), le32(data, i + 12));
    if (i < end) this._updateBlock(le32To(data, i, end), le32To(data, i + 4, end), le32To(data, i + 8, end), le32To(data, i + 12, end));
  }
  /** Absorbs a || b as one zero-padded message without concatenating them (the AAD's shared tail and its own part). */
  absorbPair(a: Uint8Array, b: Uint8Array): void {
    const n = a.length + b.length;
    const w = [0, 0, 0, 0];
    for (let i = 0; i < n; i += 16) {
      w[0] = w[1] = w[2] = w[3] = 0;
      for (let k = 0; k < 16 && i + k < n; k++) {
        const j = i + k;
        w[k >> 2]! |= (j < a.length ? a[j]! : b[j - a.length]!) << (8 * (k & 3));
      }
      this._updateBlock(w[0]! >>> 0, w[1]! >>> 0, w[2]! >>> 0, w[3]! >>> 0);
    }
  }
  /** GCM's final block: the AAD and ciphertext lengths in bits, 64-bit big-endian (inputs under 512 MiB). */
  absorbLengths(aadBytes: number, ctBytes: number): void {
    this._updateBlock(0, bswap((aadBytes * 8) >>> 0), 0, bswap((ctBytes * 8) >>> 0));
  }
  digestTo(out: Uint8Array, at = 0): void {
    putLe32(out, at, this.s0);
    putLe32(out, at + 4, this.s1);
    putLe32(out, at + 8, this.s2);
    putLe32(out, at + 12, this.s3);
  }
}

/** POLYVAL is GHASH with the key converted and each block's bytes reversed (RFC 8452, Appendix A). */
export class PolyvalState extends GhashState {
  constructor(key: Uint8Array, expectedBytes: number) {
    const ghashKey = _toGHASHKey(Uint8Array.from(key));
    super(ghashKey, expectedBytes);
    ghashKey.fill(0);
  }
  override absorb(data: Uint8Array, start = 0, end = data.length): void {
    let i = start;
    for (; i + 16 <= end; i += 16) this._updateBlock(be32(data, i + 12), be32(data, i + 8), be32(data, i + 4), be32(data, i));
    if (i < end) this._updateBlock(be32To(data, i + 12, end), be32To(data, i + 8, end), be32To(data, i + 4, end), be32To(data, i, end));
  }
  /** RFC 8452's final block: AAD and plaintext lengths in bits, 64-bit little-endian (inputs under 512 MiB). */
  override absorbLengths(aadBytes: number, ptBytes: number): void {
    this._updateBlock(0, bswap((ptBytes * 8) >>> 0), 0, bswap((aadBytes * 8) >>> 0));
  }
  override digestTo(out: Uint8Array, at = 0): void {
    // noble writes the words little-endian, then reverses the 16 bytes.
    const words = [this.s3, this.s2, this.s1, this.s0];
    for (let w = 0; w < 4; w++) {
      const x = words[w]!;
      out[at + 4 * w] = x >>> 24;
      out[at + 4 * w + 1] = (x >>> 16) & 0xff;
      out[at + 4 * w + 2] = (x >>> 8) & 0xff;
      out[at + 4 * w + 3] = x & 0xff;
    }
  }
}
