/**
 * Signature vectors (schemas/FORMAT.md §13): a writer key from the seeded
 * stream, the signed message of a document, and a signed two-document file
 * with corrupted copies. ML-DSA signs deterministically here so the file is
 * reproducible; a hedged signature verifies the same.
 */
import { formatWriter, writerFromSecret } from '../../core/crypto/writer-key.js';
import { emitEncrypted, parseEncrypted } from '../../core/format/encrypted-store.js';
import { signedFieldsOf, signedMessage, signDocument } from '../../core/format/signature.js';
import { encryptStream } from '../../core/format/stream.js';
import { editLine, editValue } from './files.js';
import { changeChar, fixedKey, hex, identityOf, RANDOM_SPEC, seededRandom } from './kit.js';

export interface SignatureVectorSet {
  description: string;
  random: string;
  writer: { name: string; secret: string; kid: string; key: string };
  /** The first document's signed message, hex, as FORMAT.md §13 builds it. */
  message: string;
  vectors: Array<{ name: string; description: string; encrypted: string; expect: 'trusted' | 'E_TAMPERED' }>;
}

const PLAIN = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: pw\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: cache\n  namespace: payments\nstringData:\n  password: other\n';

export const writerOfVectors = (secret: Uint8Array) => writerFromSecret(secret, 'noble', true);

export function signatureVectors(): SignatureVectorSet {
  const secret = seededRandom('gitseal/vectors/writer')(64);
  const writer = writerOfVectors(secret);
  const signer = { kid: writer.kid, subject: 'alice', sign: (m: Uint8Array) => writer.sign(m) };
  const unsigned = encryptStream(PLAIN, { recipients: [identityOf(fixedKey('hybrid')).recipient], scope: 'strict', random: seededRandom('gitseal/vectors/signed') });
  const docs = parseEncrypted(unsigned).docs;
  const signed = emitEncrypted(docs.map((d) => signDocument(d, signer)), 'yaml');
  const [first, second] = [...signed.matchAll(/^ {4}signature: (\S+)$/gm)].map((m) => m[1]!);
  return {
    description: 'Writer signatures: the writer key from the stream with seed "gitseal/vectors/writer" (64 bytes), its kid and writer string; the signed message of document 1; a file signed by it (subject "alice"); corrupted copies. A reader that trusts the writer gets "trusted" for every document, or the error.',
    random: RANDOM_SPEC,
    writer: { name: 'alice', secret: hex(secret), kid: writer.kid, key: formatWriter(writer) },
    message: hex(signedMessage(signedFieldsOf(docs[0]!), writer.kid, 'alice')),
    vectors: [
      { name: 'signed', description: 'two documents, both signed', encrypted: signed, expect: 'trusted' },
      { name: 'swapped', description: 'the two signatures swapped', encrypted: signed.replace(first!, '@').replace(second!, first!).replace('@', second!), expect: 'E_TAMPERED' },
      { name: 'byte-changed', description: 'one character of the first signature changed', encrypted: editLine(signed, '    signature: ', editValue((v) => changeChar(v, 200))), expect: 'E_TAMPERED' },
      { name: 'subject-changed', description: 'the first signature claims subject "mallory"', encrypted: editLine(signed, '    signature: ', editValue((v) => v.replace('.YWxpY2U.', '.bWFsbG9yeQ.'))), expect: 'E_TAMPERED' },
    ],
  };
}
