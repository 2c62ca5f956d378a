/**
 * Rewrap items of signed documents for the service's tests, without
 * encrypting whole files: a DEK wrapped to the org recipient for a scope and
 * document id, and what a signature covers (random file id and MAC: the
 * service never holds the DEK that checks a MAC) signed by a writer key.
 */
import { randomBytes } from 'node:crypto';
import { b64url } from '../../core/bytes.js';
import { parseRecipient } from '../../core/crypto/recipients/index.js';
import { formatWriter, generateWriterSecret, writerFromSecret, type WriterPublic } from '../../core/crypto/writer-key.js';
import { signatureToDisk } from '../../core/format/encrypted-document.js';
import { signatureFor, type DocumentSigner } from '../../core/format/signature.js';
import { signedFieldsOfItem } from '../../kms/protocol/rewrap-item.js';
import type { RewrapItem, SignedItemFields } from '../../kms/protocol/types.js';

export interface TestWriter {
  readonly key: WriterPublic;
  /** `gitseal-writer1:…`, as the service configuration lists it. */
  readonly text: string;
  readonly secret: Uint8Array;
  /** Signs naming `subject` (a registered writer's own name, or whom the service signs for). */
  signer(subject: string): DocumentSigner;
}

export function testWriter(secret = generateWriterSecret()): TestWriter {
  const w = writerFromSecret(secret);
  return { key: { kid: w.kid, publicKey: w.publicKey }, text: formatWriter(w), secret, signer: (subject) => ({ kid: w.kid, subject, sign: (m) => w.sign(m) }) };
}

/** A document's item for `scope`, with its DEK; signed when `signer` is given. */
export function signedItem(recipient: string, scope: string, signer?: DocumentSigner): { item: RewrapItem; dek: Uint8Array } {
  const dek = randomBytes(32);
  const docId = randomBytes(16);
  const s = parseRecipient(recipient).wrap(dek, { scopeBinding: scope, docId });
  const signed: SignedItemFields = { mode: 'secret', file: b64url(randomBytes(16)), after: 'start', last: true, mac: b64url(randomBytes(32)) };
  const item: RewrapItem = { kid: s.kid, alg: 'mlkem1024-x25519', enc: s.enc, dek: s.dek, scope, docId: b64url(docId), signed };
  if (signer) signed.signature = signatureToDisk(signatureFor(signedFieldsOfItem({ ...item, signed }), signer));
  return { item, dek: new Uint8Array(dek) };
}
