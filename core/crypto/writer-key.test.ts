/**
 * Writer keys (writer-key.ts) against known answers and second implementations:
 * ML-DSA-65 key generation and verification against the NIST ACVP vectors
 * @noble/post-quantum is tested with (test/vectors/ml-dsa-65/), Ed25519 against
 * @noble/curves and RFC 8032 §7.1, and the node:crypto and @noble/post-quantum
 * ML-DSA backends against each other where Node has ML-DSA (24.7+; CI runs Node 24).
 */
import { createPrivateKey, createPublicKey, randomBytes, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { b64url, concat, utf8 } from '../bytes.js';
import { codeOf } from '../../test/helpers/errors.js';
import {
  formatWriter,
  generateWriterSecret,
  hasNativeMldsa,
  parseWriter,
  verifyWriterSignature,
  WRITER_SECRET_LENGTH,
  WRITER_SIGNATURE_LENGTH,
  writerFromSecret,
  writerKid,
  type MldsaBackend,
  type WriterPublic,
} from './writer-key.js';

const MLDSA_PUBLIC = 1952;
const MLDSA_SIGNATURE = 3309;
const native = hasNativeMldsa();
/** The backends this Node has: both where node:crypto has ML-DSA, else noble alone. */
const BACKENDS: readonly MldsaBackend[] = native ? ['node', 'noble'] : ['noble'];
const NO_NATIVE = 'needs ML-DSA in node:crypto (Node 24.7+ with OpenSSL 3.5; CI runs Node 24)';

const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const flip = (b: Uint8Array, at: number, bit = 1): Uint8Array => {
  const c = b.slice();
  c[at]! ^= bit;
  return c;
};

interface KeyGenCase {
  readonly tcId: number;
  readonly seed: string;
  readonly pk: string;
}
interface SigVerCase {
  readonly tcId: number;
  readonly testPassed: boolean;
  readonly pk: string;
  readonly message: string;
  readonly context: string;
  readonly signature: string;
}
const vectors = <T>(name: string): { parameterSet: string; tests: T[] } =>
  JSON.parse(readFileSync(new URL(`../../test/vectors/ml-dsa-65/${name}`, import.meta.url), 'utf8')) as { parameterSet: string; tests: T[] };
const keyGen = vectors<KeyGenCase>('keygen.json');
const sigVer = vectors<SigVerCase>('sigver.json');

/** PKCS#8 PrivateKeyInfo of ML-DSA-65 (OID 2.16.840.1.101.3.4.3.18) holding the seed alone ([0] IMPLICIT OCTET STRING). */
const MLDSA65_PKCS8_SEED_PREFIX = Buffer.from('3034020100300b060960864801650304031204228020', 'hex');
/** node:crypto's ML-DSA-65 public key object from JWK; writer-key.ts imports SPKI (JWK's AKP is Node 24 only), so the encodings check each other. */
const nodeMldsaPublic = (pk: Uint8Array) => createPublicKey({ key: { kty: 'AKP', alg: 'ML-DSA-65', pub: b64url(pk) }, format: 'jwk' });

describe('ML-DSA-65 against the ACVP known answers (test/vectors/ml-dsa-65)', () => {
  it('the excerpt is the one its README names', () => {
    expect(keyGen.parameterSet).toBe('ML-DSA-65');
    expect(keyGen.tests.map((t) => t.tcId)).toEqual([26, 27, 28]);
    expect(sigVer.parameterSet).toBe('ML-DSA-65');
    expect(sigVer.tests.map((t) => [t.tcId, t.testPassed])).toEqual([
      [33, true],
      [35, false],
    ]);
  });

  it('keyGen: a writer secret whose first 32 bytes are the seed gives the vector public key, on every backend', () => {
    for (const t of keyGen.tests) {
      const secret = concat(unhex(t.seed), bytes(32));
      for (const backend of BACKENDS) expect(hex(writerFromSecret(secret, backend).publicKey.subarray(0, MLDSA_PUBLIC)), `tcId ${t.tcId} ${backend}`).toBe(t.pk.toLowerCase());
    }
  });

  it.skipIf(!native)('keyGen: node:crypto derives the same public key from the seed on its own', () => {
    for (const t of keyGen.tests) {
      // Only the seed goes in (PKCS#8, the seed-only private key of RFC 9881): node:crypto expands it itself.
      const priv = createPrivateKey({ key: Buffer.concat([MLDSA65_PKCS8_SEED_PREFIX, unhex(t.seed)]), format: 'der', type: 'pkcs8' });
      expect(createPublicKey(priv).export({ format: 'jwk' }).pub, `tcId ${t.tcId}`).toBe(b64url(unhex(t.pk)));
    }
  });

  it('sigVer (external, pure): @noble/post-quantum gives the expected answer', () => {
    for (const t of sigVer.tests) {
      const ok = ml_dsa65.verify(unhex(t.signature), unhex(t.message), unhex(t.pk), { context: unhex(t.context) });
      expect(ok, `tcId ${t.tcId}`).toBe(t.testPassed);
    }
  });

  it.skipIf(!native)('sigVer (external, pure): node:crypto gives the same answer as noble', () => {
    for (const t of sigVer.tests) {
      // `context` is Node 24's option, which @types/node 20 does not list: passed as a variable, not a literal.
      const key = { key: nodeMldsaPublic(unhex(t.pk)), context: unhex(t.context) };
      const ok = nodeVerify(null, unhex(t.message), key, unhex(t.signature));
      expect(ok, `tcId ${t.tcId}`).toBe(t.testPassed);
    }
  });

  it('writer signatures use the empty context: a valid vector signature (context non-empty) fails inside a writer signature, on every backend', () => {
    const t = sigVer.tests.find((c) => c.testPassed)!;
    const ed = bytes(32);
    const message = unhex(t.message);
    const writer: WriterPublic = { kid: 'w-0000000000000000', publicKey: concat(unhex(t.pk), ed25519.getPublicKey(ed)) };
    const signature = concat(unhex(t.signature), ed25519.sign(message, ed));
    for (const backend of BACKENDS) expect(verifyWriterSignature(writer, message, signature, backend), backend).toBe(false);
    // The same ML-DSA half with its context, to show the Ed25519 half and the key are right.
    expect(ml_dsa65.verify(signature.subarray(0, MLDSA_SIGNATURE), message, unhex(t.pk), { context: unhex(t.context) })).toBe(true);
  });
});

describe('Ed25519 half against @noble/curves and RFC 8032', () => {
  it("the writer's Ed25519 public key is noble's getPublicKey of the last 32 secret bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (secret) => {
        expect(hex(writerFromSecret(secret, 'noble').publicKey.subarray(MLDSA_PUBLIC))).toBe(hex(ed25519.getPublicKey(secret.subarray(32))));
      }),
      { numRuns: 20 },
    );
  });

  it("signatures cross: the writer's Ed25519 half verifies with noble, and noble's Ed25519 signature completes a writer signature", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 200 }), (secret, message) => {
        const w = writerFromSecret(secret, 'noble');
        const sig = w.sign(message);
        expect(ed25519.verify(sig.subarray(MLDSA_SIGNATURE), message, w.publicKey.subarray(MLDSA_PUBLIC), { zip215: false })).toBe(true);
        const withNoble = concat(sig.subarray(0, MLDSA_SIGNATURE), ed25519.sign(message, secret.subarray(32)));
        // Ed25519 is deterministic: noble's signature is byte for byte node:crypto's.
        expect(hex(withNoble)).toBe(hex(sig.subarray(0, MLDSA_SIGNATURE)) + hex(sig.subarray(MLDSA_SIGNATURE)));
        for (const backend of BACKENDS) expect(verifyWriterSignature(w, message, withNoble, backend)).toBe(true);
      }),
      { numRuns: 10 },
    );
  });

  it('RFC 8032 §7.1 test 1: public key and signature of the empty message', () => {
    const sk = unhex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const pk = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
    const sig = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
    for (const backend of BACKENDS) {
      const w = writerFromSecret(concat(bytes(32), sk), backend);
      expect(hex(w.publicKey.subarray(MLDSA_PUBLIC))).toBe(pk);
      const signature = w.sign(new Uint8Array(0));
      expect(hex(signature.subarray(MLDSA_SIGNATURE))).toBe(sig);
      expect(verifyWriterSignature(w, new Uint8Array(0), signature, backend)).toBe(true);
    }
  });
});

describe.skipIf(!native)(`ML-DSA backends against each other (${NO_NATIVE})`, () => {
  it("node:crypto's signatures verify with noble and noble's with node:crypto, through the writer key and raw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 300 }), (secret, message) => {
        const byNode = writerFromSecret(secret, 'node');
        const byNoble = writerFromSecret(secret, 'noble');
        expect(hex(byNode.publicKey)).toBe(hex(byNoble.publicKey));
        expect(byNode.kid).toBe(byNoble.kid);
        for (const signer of [byNode, byNoble]) {
          const sig = signer.sign(message);
          expect(sig.length).toBe(WRITER_SIGNATURE_LENGTH);
          for (const backend of BACKENDS) expect(verifyWriterSignature(signer, message, sig, backend)).toBe(true);
          const mldsa = sig.subarray(0, MLDSA_SIGNATURE);
          const pk = signer.publicKey.subarray(0, MLDSA_PUBLIC);
          expect(ml_dsa65.verify(mldsa, message, pk)).toBe(true);
          expect(nodeVerify(null, message, nodeMldsaPublic(pk), mldsa)).toBe(true);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('both refuse the same altered ML-DSA signatures', () => {
    const w = writerFromSecret(generateWriterSecret(), 'node');
    const message = utf8('gitseal');
    const sig = w.sign(message);
    const pk = w.publicKey.subarray(0, MLDSA_PUBLIC);
    fc.assert(
      fc.property(fc.nat(MLDSA_SIGNATURE - 1), fc.integer({ min: 1, max: 255 }), (at, bit) => {
        const bad = flip(sig.subarray(0, MLDSA_SIGNATURE), at, bit);
        const noble = ml_dsa65.verify(bad, message, pk);
        expect(nodeVerify(null, message, nodeMldsaPublic(pk), bad)).toBe(noble);
        expect(noble).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});

describe('writer strings', () => {
  const w = writerFromSecret(generateWriterSecret());

  it('formatWriter and parseWriter round-trip; the kid is "w-" and SHA-256 of the algorithm and key, as FORMAT.md §13 says', () => {
    const s = formatWriter(w);
    expect(s).toMatch(/^gitseal-writer1:mldsa65-ed25519:[A-Za-z0-9_-]+$/);
    const back = parseWriter(s);
    expect(hex(back.publicKey)).toBe(hex(w.publicKey));
    expect(back.kid).toBe(w.kid);
    expect(w.kid).toBe('w-' + hex(sha256(concat(utf8('mldsa65-ed25519'), w.publicKey))).slice(0, 16));
    expect(writerKid(w.publicKey)).toBe(w.kid);
    expect(parseWriter(`  ${s}\n`).kid).toBe(w.kid);
  });

  it('refuses anything else with E_WRITER_KEY', () => {
    const key = b64url(w.publicKey);
    const refused = [
      '',
      key,
      `gitseal-writer2:mldsa65-ed25519:${key}`,
      `gitseal-writer1:mldsa87-ed25519:${key}`,
      `gitseal-writer1:${key}`,
      `gitseal-writer1:mldsa65-ed25519:${key}:x`,
      `gitseal-writer1:mldsa65-ed25519:${key}=`,
      `gitseal-writer1:mldsa65-ed25519:${key.slice(0, -1)}+`,
      `gitseal-writer1:mldsa65-ed25519:${b64url(w.publicKey.subarray(1))}`,
      `gitseal-writer1:mldsa65-ed25519:${b64url(concat(w.publicKey, new Uint8Array(1)))}`,
      `gitseal-writer1:mldsa65-ed25519:`,
    ];
    for (const s of refused) expect(codeOf(() => parseWriter(s)), s.slice(0, 60)).toBe('E_WRITER_KEY');
  });

  it('refuses non-canonical base64url (unused low bits set), so one key has one string', () => {
    const s = formatWriter(w);
    // 1984 bytes: the last character carries 4 unused bits (1984 mod 3 = 1).
    const last = s.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const other = alphabet[alphabet.indexOf(last) | 1]!;
    expect(other).not.toBe(last);
    expect(codeOf(() => parseWriter(s.slice(0, -1) + other))).toBe('E_WRITER_KEY');
  });

  it('a writer secret is 64 bytes: any other length is E_WRITER_KEY', () => {
    expect(generateWriterSecret().length).toBe(WRITER_SECRET_LENGTH);
    for (const n of [0, 32, 63, 65, 96]) expect(codeOf(() => writerFromSecret(new Uint8Array(n))), String(n)).toBe('E_WRITER_KEY');
  });
});

describe.each(BACKENDS)('verifyWriterSignature (%s)', (backend) => {
  const w = writerFromSecret(generateWriterSecret(), backend);
  const other = writerFromSecret(generateWriterSecret(), backend);
  const message = utf8('gitseal/signature/v1 test message');
  const sig = w.sign(message);
  const mldsa = sig.subarray(0, MLDSA_SIGNATURE);
  const ed = sig.subarray(MLDSA_SIGNATURE);

  it('accepts the signature, and a second signature of the same message (ML-DSA signing is hedged)', () => {
    expect(verifyWriterSignature(w, message, sig, backend)).toBe(true);
    const again = w.sign(message);
    expect(verifyWriterSignature(w, message, again, backend)).toBe(true);
  });

  it('a signature of the wrong length is false, never an exception', () => {
    for (const bad of [new Uint8Array(0), sig.subarray(1), concat(sig, new Uint8Array(1)), mldsa, ed, sig.subarray(0, WRITER_SIGNATURE_LENGTH - 1)])
      expect(verifyWriterSignature(w, message, bad, backend), String(bad.length)).toBe(false);
  });

  it('any flipped bit of the signature is false', () => {
    fc.assert(
      fc.property(fc.nat(WRITER_SIGNATURE_LENGTH - 1), fc.nat(7), (at, bit) => {
        expect(verifyWriterSignature(w, message, flip(sig, at, 1 << bit), backend)).toBe(false);
      }),
      { numRuns: 60 },
    );
    // Both ends, where length handling would show.
    for (const at of [0, MLDSA_SIGNATURE - 1, MLDSA_SIGNATURE, WRITER_SIGNATURE_LENGTH - 1]) expect(verifyWriterSignature(w, message, flip(sig, at), backend), String(at)).toBe(false);
  });

  it('either half alone broken is false: each half must verify', () => {
    const otherMessage = utf8('another message');
    const sig2 = w.sign(otherMessage);
    // A valid ML-DSA signature of another message with the right Ed25519 half, and the other way round.
    expect(verifyWriterSignature(w, message, concat(sig2.subarray(0, MLDSA_SIGNATURE), ed), backend)).toBe(false);
    expect(verifyWriterSignature(w, message, concat(mldsa, sig2.subarray(MLDSA_SIGNATURE)), backend)).toBe(false);
    // Another writer's half of the same message.
    const theirs = other.sign(message);
    expect(verifyWriterSignature(w, message, concat(theirs.subarray(0, MLDSA_SIGNATURE), ed), backend)).toBe(false);
    expect(verifyWriterSignature(w, message, concat(mldsa, theirs.subarray(MLDSA_SIGNATURE)), backend)).toBe(false);
    // A zeroed half.
    expect(verifyWriterSignature(w, message, concat(new Uint8Array(MLDSA_SIGNATURE), ed), backend)).toBe(false);
    expect(verifyWriterSignature(w, message, concat(mldsa, new Uint8Array(64)), backend)).toBe(false);
  });

  it('another message or another writer is false', () => {
    expect(verifyWriterSignature(w, utf8('gitseal/signature/v1 test messagE'), sig, backend)).toBe(false);
    expect(verifyWriterSignature(w, concat(message, new Uint8Array(1)), sig, backend)).toBe(false);
    expect(verifyWriterSignature(other, message, sig, backend)).toBe(false);
    // A writer whose ML-DSA key is ours but Ed25519 key is theirs (or the reverse) does not verify either.
    const mixed = (a: WriterPublic, b: WriterPublic): WriterPublic => {
      const publicKey = concat(a.publicKey.subarray(0, MLDSA_PUBLIC), b.publicKey.subarray(MLDSA_PUBLIC));
      return { kid: writerKid(publicKey), publicKey };
    };
    expect(verifyWriterSignature(mixed(w, other), message, sig, backend)).toBe(false);
    expect(verifyWriterSignature(mixed(other, w), message, sig, backend)).toBe(false);
  });
});
