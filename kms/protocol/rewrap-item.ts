/**
 * The rewrap item for a document (schemas/rewrap.openapi.yaml): one DEK
 * envelope, what it is bound to, and what the writer's signature covers, so
 * the service can check the writer before it unwraps (schemas/FORMAT.md §13).
 */
import { fromB64url, fromUtf8 } from '../../core/bytes.js';
import { bindingOf, envelopeToDisk, FIRST_IN_FILE, signatureToDisk, WRITER_KID, type DocumentSignature, type EncryptedDocument } from '../../core/format/encrypted-document.js';
import type { RecipientStanza } from '../../core/crypto/recipients/types.js';
import { isPrintableSubject } from '../../core/subject.js';
import type { SignedFields } from '../../core/format/signature.js';
import type { RewrapItem, SignedItemFields, SignItem } from './types.js';

/** A document as POST /v1/sign takes it: what a signature over it covers, strings as in the file. */
export function signItemFor(doc: EncryptedDocument): SignItem {
  const env = envelopeToDisk(doc.envelope);
  return { scope: bindingOf(doc), docId: env.id, signed: { mode: doc.mode, file: env.file, after: env.after, last: env.last, mac: env.mac } };
}

export function rewrapItemFor(doc: EncryptedDocument, stanza: RecipientStanza): RewrapItem {
  const { scope, docId, signed } = signItemFor(doc);
  const signature = doc.envelope.signature;
  return { kid: stanza.kid, alg: stanza.alg as RewrapItem['alg'], enc: stanza.enc, dek: stanza.dek, scope, docId, signed: signature ? { ...signed, signature: signatureToDisk(signature) } : signed };
}

/** What the signature of an item (a rewrap item, or a document POST /v1/sign signs) covers, decoded; throws E_FORMAT for malformed fields. */
export function signedFieldsOfItem(item: Pick<RewrapItem, 'scope' | 'docId'> & { signed: Omit<SignedItemFields, 'signature'> }): SignedFields {
  const s = item.signed;
  return {
    mode: s.mode,
    scopeBinding: item.scope,
    docId: fromB64url(item.docId, 'docId'),
    file: { fileId: fromB64url(s.file, 'file'), after: s.after === FIRST_IN_FILE ? null : fromB64url(s.after, 'after'), last: s.last },
    mac: fromB64url(s.mac, 'mac'),
  };
}

/** A subject of 256 characters is at most 1,024 UTF-8 bytes, 1,366 base64url characters. */
const MAX_SUBJECT_FIELD = 1400;

/**
 * Who a signature field (`w-KID.b64url(SUBJECT).b64url(SIGNATURE)`,
 * schemas/FORMAT.md §13) says signed, without looking at the signature
 * itself (signatureOfField decodes it); null when the field does not have
 * three parts or the subject is not 1–256 printable characters (the rule
 * core/format/encrypted-document.ts reads files by). Split by hand and
 * without a pass over the 4,500 characters of the signature: this runs on
 * the rewrap service's main thread for every item.
 */
export function signatureWriter(field: string): { kid: string; subject: string } | null {
  const last = field.lastIndexOf('.');
  return last < 0 || last === field.length - 1 ? null : signerOf(field.slice(0, last));
}

/**
 * The kid and subject of `signer`, `w-KID.b64url(SUBJECT)`: a signature named
 * without its bytes (signerOfSignature), which the service accepts in place of
 * one it verified before. Null when malformed.
 */
export function signerOf(signer: string): { kid: string; subject: string } | null {
  const dot = signer.indexOf('.');
  if (dot < 0 || signer.length - dot - 1 > MAX_SUBJECT_FIELD || signer.indexOf('.', dot + 1) >= 0) return null;
  const kid = signer.slice(0, dot);
  if (!WRITER_KID.test(kid)) return null;
  let subject: string;
  try {
    subject = fromUtf8(fromB64url(signer.slice(dot + 1), 'the signature subject'));
  } catch {
    return null;
  }
  if (!isPrintableSubject(subject)) return null;
  return { kid, subject };
}

/** The `signer` that names a signature field without its bytes: `w-KID.b64url(SUBJECT)`. */
export const signerOfSignature = (field: string): string => field.slice(0, field.lastIndexOf('.'));

/** A signature field decoded; null when it is malformed (see signatureWriter). */
export function signatureOfField(field: string): DocumentSignature | null {
  const writer = signatureWriter(field);
  if (!writer) return null;
  try {
    return { ...writer, bytes: fromB64url(field.slice(field.lastIndexOf('.') + 1), 'the signature') };
  } catch {
    return null;
  }
}
