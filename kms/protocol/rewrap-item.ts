/**
 * The rewrap item for a document (schemas/rewrap.openapi.yaml): one DEK
 * envelope, what it is bound to, and what the writer's signature covers, so
 * the service can check the writer before it unwraps (schemas/FORMAT.md §13).
 */
import { b64url, fromB64url, fromUtf8 } from '../../core/bytes.js';
import { bindingOf, envelopeToDisk, type DocumentSignature, type EncryptedDocument } from '../../core/format/encrypted-document.js';
import type { RecipientStanza } from '../../core/crypto/recipients/types.js';
import type { SignedFields } from '../../core/format/signature.js';
import type { RewrapItem, SignedItemFields } from './types.js';

export function rewrapItemFor(doc: EncryptedDocument, stanza: RecipientStanza): RewrapItem {
  const env = envelopeToDisk(doc.envelope);
  const signed: SignedItemFields = { mode: doc.mode, file: env.file, after: env.after, last: env.last, mac: env.mac, ...(env.signature ? { signature: env.signature } : {}) };
  return { kid: stanza.kid, alg: stanza.alg as RewrapItem['alg'], enc: stanza.enc, dek: stanza.dek, scope: bindingOf(doc), docId: b64url(doc.envelope.docId), signed };
}

/** What the signature of an item (a rewrap item, or a document POST /v1/sign signs) covers, decoded; throws E_FORMAT for malformed fields. */
export function signedFieldsOfItem(item: Pick<RewrapItem, 'scope' | 'docId'> & { signed: Omit<SignedItemFields, 'signature'> }): SignedFields {
  const s = item.signed;
  return {
    mode: s.mode,
    scopeBinding: item.scope,
    docId: fromB64url(item.docId, 'docId'),
    file: { fileId: fromB64url(s.file, 'file'), after: s.after === 'start' ? null : fromB64url(s.after, 'after'), last: s.last },
    mac: fromB64url(s.mac, 'mac'),
  };
}

/** `w-KID.b64url(SUBJECT).b64url(SIGNATURE)`, as the envelope's `signature` field holds it (schemas/FORMAT.md §13). */
const SIGNATURE_FIELD = /^(w-[0-9a-f]{16})\.([A-Za-z0-9_-]{1,1400})\.([A-Za-z0-9_-]+)$/;

/**
 * Who a signature field says signed, without decoding the signature itself;
 * null when the field is not `w-KID.SUBJECT.SIGNATURE` with a subject of 1–256
 * printable characters (the rule core/format/encrypted-document.ts reads files by).
 */
export function signatureWriter(field: string): { kid: string; subject: string } | null {
  const m = SIGNATURE_FIELD.exec(field);
  if (!m) return null;
  let subject: string;
  try {
    subject = fromUtf8(fromB64url(m[2]!, 'the signature subject'));
  } catch {
    return null;
  }
  if (subject === '' || subject.length > 256 || /[\p{Cc}\p{Cf}\uFFFD]/u.test(subject)) return null;
  return { kid: m[1]!, subject };
}

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
