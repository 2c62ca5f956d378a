/**
 * AES-256-GCM (NIST SP 800-38D, 96-bit nonces) for many short messages
 * under one key. node:crypto costs ~6–10 µs a message, mostly creating a
 * cipher object; a 10,000-value document would spend its whole time budget
 * there. Here the block cipher runs once, through node:crypto's AES-NI,
 * over every counter block of every message, and GHASH runs in JS from a
 * state that has already absorbed the AAD prefix all messages share.
 * `gcm-batch.test.ts` checks every output against node:crypto and noble.
 */
import { createCipheriv } from 'node:crypto';
import { GhashState, type HashState } from './ghash-state.js';
import { checkBytes, concat, equalBytes } from '../bytes.js';
import { gcmOpen, gcmSeal, NONCE_LENGTH, TAG_LENGTH } from './aead.js';

export interface SealItem {
  readonly nonce: Uint8Array;
  readonly plain: Uint8Array;
  /** The part of this message's AAD after the shared prefix. */
  readonly aadSuffix: Uint8Array;
}

export interface OpenItem {
  /** nonce || ciphertext || tag */
  readonly sealed: Uint8Array;
  readonly aadSuffix: Uint8Array;
}

const blocksFor = (n: number) => Math.ceil(n / 16);
/** Past this size a message goes through node:crypto's GCM whole: native GHASH and XOR beat the batch. */
const isLarge = (n: number) => n > 4096;

export class GcmBatch {
  private readonly ecbKey: Uint8Array;
  private readonly ghash: GhashState;
  private readonly afterPrefix: HashState;
  /** Prefix bytes past the last whole block: they join each message's suffix. */
  private readonly prefixTail: Uint8Array;
  private readonly prefixLength: number;
  private readonly aadPrefix: Uint8Array;

  /** `expectedBytes` (all messages and AADs together) sizes GHASH's table: big tables pay off only for big batches. */
  constructor(key: Uint8Array, aadPrefix: Uint8Array, expectedBytes = 1024) {
    checkBytes(key, 32, 'key');
    this.ecbKey = Uint8Array.from(key);
    const h = this.ecb(new Uint8Array(16));
    this.ghash = new GhashState(h, expectedBytes);
    h.fill(0);
    const whole = aadPrefix.length - (aadPrefix.length % 16);
    this.ghash.absorb(aadPrefix, 0, whole);
    this.afterPrefix = this.ghash.save();
    this.prefixTail = aadPrefix.slice(whole);
    this.aadPrefix = Uint8Array.from(aadPrefix);
    this.prefixLength = aadPrefix.length;
  }

  private ecb(blocks: Uint8Array): Uint8Array {
    const c = createCipheriv('aes-256-ecb', this.ecbKey, null).setAutoPadding(false);
    return c.update(blocks);
  }

  /** One ECB pass over J0 and the counter blocks of every message. */
  private keystreams(nonces: readonly Uint8Array[], lengths: readonly number[]): { stream: Uint8Array; starts: number[] } {
    let total = 0;
    const starts: number[] = [];
    for (const n of lengths) {
      starts.push(total);
      total += 16 * (1 + blocksFor(n));
    }
    const counters = new Uint8Array(total);
    const view = new DataView(counters.buffer);
    nonces.forEach((nonce, i) => {
      const blocks = 1 + blocksFor(lengths[i]!);
      for (let b = 0; b < blocks; b++) {
        const at = starts[i]! + 16 * b;
        counters.set(nonce, at);
        view.setUint32(at + 12, b + 1);
      }
    });
    return { stream: this.ecb(counters), starts };
  }

  /** Writes the tag of `ciphertext` into `out` at `at`; `j0` is the offset of E(K, J0) in `stream`. */
  private tagInto(ciphertext: Uint8Array, aadSuffix: Uint8Array, stream: Uint8Array, j0: number, out: Uint8Array, at: number): void {
    const g = this.ghash;
    g.load(this.afterPrefix);
    g.absorbPair(this.prefixTail, aadSuffix);
    g.absorb(ciphertext);
    g.absorbLengths(this.prefixLength + aadSuffix.length, ciphertext.length);
    g.digestTo(out, at);
    for (let i = 0; i < 16; i++) out[at + i]! ^= stream[j0 + i]!;
  }

  /** Returns nonce || ciphertext || tag for each item. */
  sealAll(items: readonly SealItem[]): Uint8Array[] {
    return this.sealInto(items, (buf, start, end) => new Uint8Array(buf.buffer, buf.byteOffset + start, end - start));
  }

  /** sealAll, each result base64url-encoded straight from one shared buffer. */
  sealAllBase64url(items: readonly SealItem[]): string[] {
    return this.sealInto(items, (buf, start, end) => buf.toString('base64url', start, end));
  }

  /** Seals every item into one buffer (one allocation for the whole batch) and hands out each result. */
  private sealInto<T>(items: readonly SealItem[], take: (buf: Buffer, start: number, end: number) => T): T[] {
    for (const it of items) checkBytes(it.nonce, NONCE_LENGTH, 'nonce');
    const small = items.map((i) => (isLarge(i.plain.length) ? 0 : i.plain.length));
    const { stream, starts } = this.keystreams(items.map((i) => i.nonce), small);
    const outStart: number[] = [];
    let total = 0;
    for (const n of small) {
      outStart.push(total);
      total += NONCE_LENGTH + n + TAG_LENGTH;
    }
    const out = Buffer.allocUnsafe(total);
    return items.map((it, i) => {
      if (isLarge(it.plain.length)) {
        const sealed = gcmSeal(this.ecbKey, it.nonce, it.plain, concat(this.aadPrefix, it.aadSuffix));
        return take(Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length), 0, sealed.length);
      }
      const ks = starts[i]!;
      const at = outStart[i]!;
      const n = it.plain.length;
      out.set(it.nonce, at);
      for (let k = 0; k < n; k++) out[at + NONCE_LENGTH + k] = it.plain[k]! ^ stream[ks + 16 + k]!;
      this.tagInto(out.subarray(at + NONCE_LENGTH, at + NONCE_LENGTH + n), it.aadSuffix, stream, ks, out, at + NONCE_LENGTH + n);
      return take(out, at, at + NONCE_LENGTH + n + TAG_LENGTH);
    });
  }

  /** Opens each item; null where authentication fails. */
  openAll(items: readonly OpenItem[]): Array<Uint8Array | null> {
    const ok = items.map((it) => it.sealed.length >= NONCE_LENGTH + TAG_LENGTH);
    const bodies = items.map((it, i) => (ok[i] ? it.sealed.subarray(NONCE_LENGTH, it.sealed.length - TAG_LENGTH) : new Uint8Array(0)));
    const nonces = items.map((it, i) => (ok[i] ? it.sealed.subarray(0, NONCE_LENGTH) : new Uint8Array(NONCE_LENGTH)));
    const { stream, starts } = this.keystreams(nonces, bodies.map((b) => (isLarge(b.length) ? 0 : b.length)));
    return items.map((it, i) => {
      if (!ok[i]) return null;
      if (isLarge(bodies[i]!.length)) return gcmOpen(this.ecbKey, it.sealed, concat(this.aadPrefix, it.aadSuffix));
      const ks = starts[i]!;
      const body = bodies[i]!;
      const expected = new Uint8Array(16);
      this.tagInto(body, it.aadSuffix, stream, ks, expected, 0);
      if (!equalBytes(expected, it.sealed.subarray(it.sealed.length - TAG_LENGTH))) return null;
      const plain = new Uint8Array(body.length);
      for (let k = 0; k < body.length; k++) plain[k] = body[k]! ^ stream[ks + 16 + k]!;
      return plain;
    });
  }

  destroy(): void {
    this.ecbKey.fill(0);
    this.ghash.destroy();
  }
}
