/** Shared by the commands that change an encrypted file: open it with the key at hand, and re-seal it. */
import { dirname } from 'node:path';
import type { FileFormat } from '../core/format/encrypted-store.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import type { Recipient } from '../core/crypto/recipients/types.js';
import type { OpenedDocument } from '../core/format/seal.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';
import { encryptStream, openAll, type EncryptOptions } from '../core/format/stream.js';
import { findConfig, policyFor, type FilePolicy } from './config.js';
import { readInput } from './files.js';
import { unlinkCopy } from './copied-file.js';
import { identitiesFor } from './keys.js';
import { checkWriters, finishSigning, removedWriterOf, writerSigner } from './writer.js';

export interface OpenFile {
  readonly file: string;
  readonly text: string;
  readonly opened: OpenedDocument[];
  readonly format: FileFormat;
  readonly policy: FilePolicy;
}

export function policyOf(file: string): FilePolicy {
  return policyFor(findConfig(file === '-' ? process.cwd() : dirname(file)), file);
}

/**
 * Reads an encrypted file, names each document's writer and refuses a document whose writer is not
 * accepted (so a forged document is neither shown nor signed again by a later write), then opens it.
 */
export async function openFile(file: string, keyFile: string | undefined): Promise<OpenFile> {
  const text = readInput(file);
  const policy = policyOf(file);
  const { docs, format } = parseEncrypted(text);
  checkWriters(file === '-' ? 'standard input' : file, docs, policy);
  const identities = await identitiesFor([text], keyFile);
  return { file, text, opened: openAll(docs, identities), format, policy };
}

/** Parsed once per command: a recipient's parse expands its ML-KEM matrix, about 1 ms. */
const parsed = new Map<string, Recipient>();

export function recipientsOf(explicit: readonly string[] | undefined, policy: FilePolicy): Recipient[] {
  return (explicit?.length ? explicit : policy.recipients).map((text) => {
    const recipient = parsed.get(text) ?? parseRecipient(text);
    parsed.set(text, recipient);
    return recipient;
  });
}

/** Re-encrypts edited plaintext of an open file; unchanged values, recipients and DEKs are kept, unless the file is a copy. */
export async function reseal(f: OpenFile, plaintext: string, extra: Partial<EncryptOptions> = {}): Promise<string> {
  const newIds = await unlinkCopy(f.file, f.opened);
  const text = encryptStream(plaintext, {
    recipients: recipientsOf(undefined, f.policy),
    scope: f.policy.scope,
    readablePaths: f.policy.readablePaths,
    previous: f.opened,
    keepRecipients: true,
    signer: writerSigner(f.policy),
    renewKey: removedWriterOf(f.policy),
    newIds,
    ...extra,
  });
  return finishSigning(text, f.policy);
}
