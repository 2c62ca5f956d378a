/**
 * Document signatures (signature.ts, schemas/FORMAT.md §13) read back from
 * files as gitseal writes them: a signature holds only on the document it was
 * made for and only for a writer the reader trusts. Any change to the
 * `envelope.signature` line, or the line on another document, reads as
 * invalid, untrusted or E_FORMAT, never as trusted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { b64url, fromB64url, utf8 } from '../bytes.js';
import { isGitsealError } from '../errors.js';
import { generateWriterSecret, writerFromSecret, type TrustedWriter, type WriterSigner } from '../crypto/writer-key.js';
import { fixedKey, identityOf } from '../../test/vectors/kit.js';
import { emitEncrypted, parseEncrypted } from './encrypted-store.js';
import { checkSignature, describeSignature, signDocument, type DocumentSigner } from './signature.js';
import { encryptStream } from './stream.js';

const hybrid = identityOf(fixedKey('hybrid'));
const alice = writerFromSecret(generateWriterSecret());
const mallory = writerFromSecret(generateWriterSecret());
const service = writerFromSecret(generateWriterSecret());
const signerOf = (w: WriterSigner, subject: string): DocumentSigner => ({ kid: w.kid, subject, sign: (m) => w.sign(m) });
const TRUST_ALICE: TrustedWriter[] = [{ name: 'alice', key: alice }];

const secret = (name: string, value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: payments\nstringData:\n  password: ${JSON.stringify(value)}\n`;
const generic = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  token: ${JSON.stringify(value)}\n`;
const PLAIN = [secret('db', 'pw-db'), generic('tok'), secret('cache', 'pw-cache')].join('---\n');
const encrypt = (text: string, signer?: DocumentSigner) => encryptStream(text, { recipients: [hybrid.recipient], scope: 'namespace', signer });
const SIGNED = encrypt(PLAIN, signerOf(alice, 'alice'));

const SIG = '    signature: ';
/** The signature values of a file, one a document, in file order. */
const signaturesOf = (text: string): string[] => text.split('\n').flatMap((l) => (l.startsWith(SIG) ? [l.slice(SIG.length)] : []));
/** The file with document `i`'s signature value replaced. */
function withSignature(text: string, i: number, value: string): string {
  let n = -1;
  return text
    .split('\n')
    .map((l) => (l.startsWith(SIG) && ++n === i ? SIG + value : l))
    .join('\n');
}
const partsOf = (value: string): [string, string, string] => value.split('.') as [string, string, string];

/** How reading goes for document `i`: the check's status, or the error code. */
function statusOf(text: string, i: number, trusted: readonly TrustedWriter[] = TRUST_ALICE): string {
  try {
    return checkSignature(parseEncrypted(text).docs[i]!, trusted).status;
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
}

const isUtf8 = (b: Uint8Array): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('signatures as written', () => {
  it('every document of a file signed by a trusted writer checks as trusted, and the check names the writer', () => {
    const { docs } = parseEncrypted(SIGNED);
    expect(docs).toHaveLength(3);
    for (const doc of docs) {
      const c = checkSignature(doc, TRUST_ALICE);
      expect(c).toEqual({ status: 'trusted', kid: alice.kid, subject: 'alice', writer: 'alice' });
      expect(describeSignature(c)).toBe(`signed by alice (${alice.kid})`);
    }
    expect(signaturesOf(SIGNED)).toHaveLength(3);
    for (const s of signaturesOf(SIGNED)) expect(s).toMatch(/^w-[0-9a-f]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('an unsigned document checks as unsigned', () => {
    const c = checkSignature(parseEncrypted(encrypt(PLAIN)).docs[0]!, TRUST_ALICE);
    expect(c).toEqual({ status: 'unsigned' });
    expect(describeSignature(c)).toBe('unsigned');
  });
});

describe('a changed signature is refused', () => {
  it('any flipped bit of the decoded signature bytes: invalid', () => {
    const values = signaturesOf(SIGNED);
    fc.assert(
      fc.property(fc.nat(2), fc.nat(3372), fc.nat(7), (doc, at, bit) => {
        const [kid, subject, sig] = partsOf(values[doc]!);
        const bytes = fromB64url(sig, 'signature').slice();
        bytes[at]! ^= 1 << bit;
        expect(statusOf(withSignature(SIGNED, doc, `${kid}.${subject}.${b64url(bytes)}`), doc)).toBe('invalid');
      }),
      { numRuns: 60 },
    );
  });

  it('any flipped bit of the decoded subject: invalid, or E_FORMAT when the subject is no longer printable', () => {
    const values = signaturesOf(SIGNED);
    fc.assert(
      fc.property(fc.nat(2), fc.nat(4), fc.nat(7), (doc, at, bit) => {
        const [kid, subject, sig] = partsOf(values[doc]!);
        const bytes = fromB64url(subject, 'subject').slice();
        bytes[at]! ^= 1 << bit;
        fc.pre(isUtf8(bytes)); // not UTF-8: see the test below
        const status = statusOf(withSignature(SIGNED, doc, `${kid}.${b64url(bytes)}.${sig}`), doc);
        expect(['invalid', 'E_FORMAT']).toContain(status);
      }),
      { numRuns: 60 },
    );
  });

  it('a subject that is not UTF-8 is E_FORMAT', () => {
    const [kid, , sig] = partsOf(signaturesOf(SIGNED)[0]!);
    expect(statusOf(withSignature(SIGNED, 0, `${kid}.${b64url(Uint8Array.of(0x61, 0xff))}.${sig}`), 0)).toBe('E_FORMAT');
  });

  it('any one character of the on-disk value changed: invalid, untrusted or E_FORMAT, never trusted', () => {
    const values = signaturesOf(SIGNED);
    const replacement = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ '.split(''));
    fc.assert(
      fc.property(fc.nat(2), fc.nat(), replacement, (doc, pos, c) => {
        const value = values[doc]!;
        const at = pos % value.length;
        fc.pre(value[at] !== c);
        const changed = value.slice(0, at) + c + value.slice(at + 1);
        const subject = changed.split('.')[1];
        if (subject !== undefined && /^[A-Za-z0-9_-]*$/.test(subject)) fc.pre(isUtf8(Buffer.from(subject, 'base64url'))); // see the test above
        const status = statusOf(withSignature(SIGNED, doc, changed), doc);
        const kidChanged = at < value.indexOf('.');
        expect(kidChanged ? ['untrusted', 'E_FORMAT'] : ['invalid', 'E_FORMAT']).toContain(status);
      }),
      { numRuns: 200 },
    );
  });

  it('a non-canonical or malformed value is E_FORMAT', () => {
    const value = signaturesOf(SIGNED)[0]!;
    const [kid, subject, sig] = partsOf(value);
    const last = sig.at(-1)!;
    const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 3373 bytes: the last character has 4 unused bits.
    const nonCanonical = `${kid}.${subject}.${sig.slice(0, -1)}${B64URL[B64URL.indexOf(last) ^ 1]}`;
    for (const bad of [nonCanonical, `${kid}.${subject}`, `${kid}..${sig}`, `${kid}.${subject}.${sig}.x`, `${kid.toUpperCase()}.${subject}.${sig}`, `w-abc.${subject}.${sig}`, `${kid}.${subject}.${sig}=`])
      expect(statusOf(withSignature(SIGNED, 0, bad), 0), bad.slice(0, 40)).toBe('E_FORMAT');
  });

  it('a signature with a signed value that changed: the old signature line on the new document is invalid', () => {
    const edited = encrypt([secret('db', 'pw-db-2'), generic('tok'), secret('cache', 'pw-cache')].join('---\n'), signerOf(alice, 'alice'));
    const original = signaturesOf(SIGNED);
    expect(statusOf(withSignature(edited, 0, original[0]!), 0)).toBe('invalid');
  });
});

/** 2–4 documents, Secrets of distinct names and generic documents, with generated values. */
const plainFile = fc
  .array(fc.tuple(fc.boolean(), fc.string({ minLength: 1, maxLength: 12 })), { minLength: 2, maxLength: 4 })
  .map((docs) => docs.map(([isSecret, value], i) => (isSecret ? secret(`s${i}`, value) : generic(value))).join('---\n'));

describe('a signature moved to another document is refused', () => {
  it('within the file: invalid on the document it was moved to', () => {
    fc.assert(
      fc.property(plainFile, fc.nat(), fc.nat(), (plain, a, b) => {
        const text = encrypt(plain, signerOf(alice, 'alice'));
        const values = signaturesOf(text);
        const from = a % values.length;
        const to = b % values.length;
        fc.pre(from !== to);
        const moved = withSignature(text, to, values[from]!);
        expect(statusOf(moved, to)).toBe('invalid');
        for (let i = 0; i < values.length; i++) if (i !== to) expect(statusOf(moved, i)).toBe('trusted');
      }),
      { numRuns: 15 },
    );
  });

  it('from another file, even one of the same plaintext and place: invalid', () => {
    fc.assert(
      fc.property(plainFile, fc.nat(), (plain, a) => {
        const one = encrypt(plain, signerOf(alice, 'alice'));
        const two = encrypt(plain, signerOf(alice, 'alice'));
        const i = a % signaturesOf(one).length;
        expect(statusOf(withSignature(two, i, signaturesOf(one)[i]!), i)).toBe('invalid');
      }),
      { numRuns: 10 },
    );
  });
});

describe('who signed', () => {
  it('a writer the reader does not trust: untrusted, with the kid and the subject it claims', () => {
    const text = encrypt(PLAIN, signerOf(mallory, 'alice'));
    const c = checkSignature(parseEncrypted(text).docs[0]!, TRUST_ALICE);
    expect(c).toEqual({ status: 'untrusted', kid: mallory.kid, subject: 'alice' });
    expect(describeSignature(c)).toContain('a key you do not trust');
    expect(statusOf(text, 0, [])).toBe('untrusted');
  });

  it("another writer's signature under a trusted kid: invalid", () => {
    const text = encrypt(PLAIN, { kid: alice.kid, subject: 'alice', sign: (m) => mallory.sign(m) });
    expect(statusOf(text, 0)).toBe('invalid');
  });

  it('a signsFor writer (a rewrap service key) is shown as the subject it signed for; another writer as its own name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (subject) => {
        fc.pre(!/[\p{Cc}\p{Cf}\uFFFD]/u.test(subject) && subject.length <= 256);
        const { docs } = parseEncrypted(encrypt(secret('db', 'x'), signerOf(service, subject)));
        const asService = checkSignature(docs[0]!, [{ name: 'rewrap.example.com', key: service, signsFor: true }]);
        expect(asService).toEqual({ status: 'trusted', kid: service.kid, subject, writer: subject });
        const asWriter = checkSignature(docs[0]!, [{ name: 'rewrap.example.com', key: service, signsFor: false }]);
        expect(asWriter).toEqual({ status: 'trusted', kid: service.kid, subject, writer: 'rewrap.example.com' });
      }),
      { numRuns: 10 },
    );
  });
});

describe('subjects are shown to people', () => {
  const [unsigned] = parseEncrypted(encrypt(secret('db', 'x'))).docs;
  /** The one-document file signed with `subject` (signDocument does not check subjects: parsing does). */
  const signedAs = (subject: string) => emitEncrypted([signDocument(unsigned!, signerOf(alice, subject))], 'yaml');
  const FORBIDDEN = ['\u0000', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009b', '\u00ad', '\u061c', '\u200b', '\u200e', '\u202e', '\u2066', '\ufeff', '\ufffd'];

  it('a subject with a control or format character (terminal escape, bidi override) is E_FORMAT when parsed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom(...FORBIDDEN), fc.string({ maxLength: 20 }), (a, c, b) => {
        fc.pre(!(a === '' && c === '\ufeff')); // a leading U+FEFF: see the test below
        expect(statusOf(signedAs(a + c + b), 0)).toBe('E_FORMAT');
      }),
      { numRuns: 60 },
    );
  });

  it('a subject with a leading U+FEFF is E_FORMAT, as U+FEFF anywhere else', () => {
    expect(statusOf(signedAs('\ufeffalice'), 0)).toBe('E_FORMAT');
  });

  // EF BB BF before the subject bytes changes the line; a decoder that drops byte order marks would read the signed subject.
  it('a byte order mark put before the subject bytes of a signature line is refused', () => {
    const [kid, subject, sig] = partsOf(signaturesOf(SIGNED)[0]!);
    const withBom = b64url(Uint8Array.of(0xef, 0xbb, 0xbf, ...fromB64url(subject, 'subject')));
    expect(statusOf(withSignature(SIGNED, 0, `${kid}.${withBom}.${sig}`), 0)).not.toBe('trusted');
  });

  it('a subject of 1–256 printable characters reads back as signed; an empty or longer one is E_FORMAT', () => {
    for (const subject of ['a', 'Zoë 山田 🔑', 'system:serviceaccount:ci:deployer', 'x'.repeat(256)]) {
      const c = checkSignature(parseEncrypted(signedAs(subject)).docs[0]!, TRUST_ALICE);
      expect(c, subject.slice(0, 20)).toEqual({ status: 'trusted', kid: alice.kid, subject, writer: 'alice' });
    }
    expect(statusOf(signedAs('x'.repeat(257)), 0)).toBe('E_FORMAT');
    expect(statusOf(signedAs(''), 0)).toBe('E_FORMAT');
    expect(b64url(utf8(''))).toBe('');
  });
});
