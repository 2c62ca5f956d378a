/**
 * The rewrap item for a document (schemas/rewrap.openapi.yaml): one DEK
 * envelope, what it is bound to, and what the writer's signature covers, so
 * the service can check the writer before it unwraps (schemas/FORMAT.md §13).
 */
import { b64url, fromB64url } from '../../core/bytes.js';
import { bindingOf, envelopeToDisk, type EncryptedDocument } from '../../core/format/encrypted-document.js';
import type { RecipientStanza } from '../../core/crypto/recipients/types.js';
import type { SignedFields } from '../../core/format/signature.js';
import type { RewrapItem, SignedItemFields } from './types.js';

export function rewrapItemFor(doc: EncryptedDocument, stanza: RecipientStanza): RewrapItem {
  const env = envelopeToDisk(doc.envelope);
  const signed: SignedItemFields = { mode: doc.mode, file: env.file, after: env.after, last: env.last, mac: env.mac, ...(env.signature ? { signature: env.signature } : {}) };
  return { kid: stanza.kid, alg: stanza.alg as RewrapItem['alg'], enc: stanza.enc, dek: stanza.dek, scope: bindingOf(doc), docId: b64url(doc.envelope.docId), signed };
}

/** What the signature of an item covers, decoded; throws E_FORMAT for malformed fields. */
export function signedFieldsOfItem(item: RewrapItem & { signed: SignedItemFields }): SignedFields {
  const s = item.signed;
  return {
    mode: s.mode,
    scopeBinding: item.scope,
    docId: fromB64url(item.docId, 'docId'),
    file: { fileId: fromB64url(s.file, 'file'), after: s.after === 'start' ? null : fromB64url(s.after, 'after'), last: s.last },
    mac: fromB64url(s.mac, 'mac'),
  };
}
