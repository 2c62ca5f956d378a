/**
 * noble's GHASH and POLYVAL tables, driven without allocating: noble's own
 * `update()` copies its input and makes a typed-array view per call, which
 * costs more than the arithmetic when a batch hashes thousands of 2-block
 * messages. State can be saved after a shared prefix and restored per
 * message. Outputs are checked against node:crypto and noble in the tests of
 * gcm-batch.ts and name-tokens.ts.
 */
import { GHASH, Polyval } from '@noble/ciphers/_polyval.js';

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

/** A message's last block, zero-padded, read with `read` at offsets 0, 4, 8, 12. */
function tail(data: Uint8Array, from: number, end: number): Uint8Array {
  const last = new Uint8Array(16);
  last.set(data.subarray(from, end));
  return last;
}

export class GhashState extends GHASH {
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
    if (i < end) {
      const b = tail(data, i, end);
      this._updateBlock(le32(b, 0), le32(b, 4), le32(b, 8), le32(b, 12));
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

export class PolyvalState extends Polyval {
  save(): HashState {
    return [this.s0, this.s1, this.s2, this.s3];
  }
  load(s: HashState): void {
    [this.s0, this.s1, this.s2, this.s3] = s;
  }
  absorb(data: Uint8Array, start = 0, end = data.length): void {
    let i = start;
    for (; i + 16 <= end; i += 16) this._updateBlock(be32(data, i + 12), be32(data, i + 8), be32(data, i + 4), be32(data, i));
    if (i < end) {
      const b = tail(data, i, end);
      this._updateBlock(be32(b, 12), be32(b, 8), be32(b, 4), be32(b, 0));
    }
  }
  /** RFC 8452's final block: AAD and plaintext lengths in bits, 64-bit little-endian (inputs under 512 MiB). */
  absorbLengths(aadBytes: number, ptBytes: number): void {
    this._updateBlock(0, bswap((ptBytes * 8) >>> 0), 0, bswap((aadBytes * 8) >>> 0));
  }
  digestTo(out: Uint8Array, at = 0): void {
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
