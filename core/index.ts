/**
 * gitseal's core as a library: encrypt and decrypt manifests, keys and
 * recipients, the encrypted file's documents, and the review features over
 * them. Pure: no network, no files, no process state. The parts are
 * described in docs/ARCHITECTURE.md, the file in schemas/FORMAT.md.
 */
export { ERROR_CODES, fail, GitsealError, isGitsealError, type ErrorCode } from './errors.js';
export { decryptStream, encryptStream, openStream, renderOpened, type EncryptOptions } from './format/stream.js';
export { detectFormat, emitEncrypted, parseEncrypted, type FileFormat } from './format/encrypted-store.js';
export type { EncryptedDocument } from './format/encrypted-document.js';
export type { OpenedDocument } from './format/seal.js';
export { formatRecipient, generateIdentity, identityFromSecret, parseRecipient, type Identity, type Recipient, type RecipientAlg } from './crypto/recipients/index.js';
export { decodeKeystore, encodeKeystore, isKeystoreSealed, keystoreRecipients, type KeystoreEntry } from './crypto/keystore.js';
export { diffDocuments, type DiffOptions, type DocumentDiff } from './review/diff.js';
export { planMerge, type MergePlan, type MergeSides } from './review/merge.js';
