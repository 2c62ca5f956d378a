/**
 * Writer signatures on documents (schemas/FORMAT.md §13). A signature covers
 * the MAC (which covers every value, name, recipient and readable field), the
 * scope binding, the document id and the document's place in its file, so a
 * verifier that holds no DEK (the rewrap service) can still tell who wrote a
 * document and for which scope. Checking that the MAC belongs to the document
 * needs the DEK and is the opener's part (seal.ts).
 */
import { lengthPrefixed } from '../bytes.js';
import { verifyWriterSignature, type TrustedWriter } from '../crypto/writer-key.js';
import { bindingOf, type DocumentSignature, type EncryptedDocument, type FileBinding, type Mode } from './encrypted-document.js';
import { fileFields } from './mac.js';

/** What a signature is about: everything of a document a verifier without the DEK can check. */
export interface SignedFields {
  readonly mode: Mode;
  readonly scopeBinding: string;
  readonly docId: Uint8Array;
  readonly file: FileBinding;
  readonly mac: Uint8Array;
}

export interface DocumentSigner {
  readonly kid: string;
  /** Who signs: the key owner's name, or the authenticated subject the rewrap service signs for. */
  readonly subject: string;
  sign(message: Uint8Array): Uint8Array;
}

export const signedFieldsOf = (doc: EncryptedDocument): SignedFields => ({
  mode: doc.mode,
  scopeBinding: bindingOf(doc),
  docId: doc.envelope.docId,
  file: doc.envelope.file,
  mac: doc.envelope.mac,
});

export const signedMessage = (f: SignedFields, kid: string, subject: string): Uint8Array =>
  lengthPrefixed(['gitseal/signature/v1', kid, subject, f.mode, f.scopeBinding, f.docId, ...fileFields(f.file), f.mac]);

export function signatureFor(f: SignedFields, signer: DocumentSigner): DocumentSignature {
  return { kid: signer.kid, subject: signer.subject, bytes: signer.sign(signedMessage(f, signer.kid, signer.subject)) };
}

export const signDocument = (doc: EncryptedDocument, signer: DocumentSigner): EncryptedDocument => ({
  ...doc,
  envelope: { ...doc.envelope, signature: signatureFor(signedFieldsOf(doc), signer) },
});


export type SignatureCheck =
  | { readonly status: 'unsigned' }
  /** The kid is trusted but the signature does not verify: the document or its signature was changed. */
  | { readonly status: 'invalid'; readonly kid: string; readonly subject: string }
  | { readonly status: 'untrusted'; readonly kid: string; readonly subject: string }
  | { readonly status: 'trusted'; readonly kid: string; readonly subject: string; readonly writer: string };

export function checkSignature(doc: EncryptedDocument, trusted: readonly TrustedWriter[]): SignatureCheck {
  const sig = doc.envelope.signature;
  if (!sig) return { status: 'unsigned' };
  const { kid, subject } = sig;
  const writer = trusted.find((w) => w.key.kid === kid);
  if (!writer) return { status: 'untrusted', kid, subject };
  if (!verifyWriterSignature(writer.key, signedMessage(signedFieldsOf(doc), kid, subject), sig.bytes)) return { status: 'invalid', kid, subject };
  return { status: 'trusted', kid, subject, writer: writer.signsFor ? subject : writer.name };
}

/** How a check reads in a message: `alice (w-…)`, `unsigned`, … */
export function describeSignature(c: SignatureCheck): string {
  switch (c.status) {
    case 'unsigned':
      return 'unsigned';
    case 'trusted':
      return `signed by ${c.writer} (${c.kid})`;
    case 'untrusted':
      return `signed by "${c.subject}" with ${c.kid}, a key you do not trust`;
    case 'invalid':
      return `signature by ${c.kid} does not verify`;
  }
}
