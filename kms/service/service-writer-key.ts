/**
 * The rewrap service's own writer key (`writerKey:` in its configuration): a
 * writer key file as `gitseal keygen --writer` writes it (schemas/FORMAT.md
 * §13), mode 0600. With it the service signs documents for the callers it
 * authenticates (POST /v1/sign); its public half is published on GET
 * /v1/keys so readers can trust it with `signsFor`. Like the TLS key it is
 * not sealed by the root of trust; the kill switch stops signing instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fromB64url, wipe } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { isRecord } from '../../core/is-record.js';
import { decodeWriterKeyFile, encodeWriterKeyFile } from '../../core/crypto/writer-file.js';
import { generateWriterSecret, type WriterPublic } from '../../core/crypto/writer-key.js';
import { writeAtomic } from '../../runtime/atomic-file.js';

/** The name a new service writer key file carries. */
const SERVICE_WRITER_NAME = 'gitseal-rewrap';

export interface ServiceWriterKey {
  readonly key: WriterPublic;
  /** The 64-byte writer secret, for the unwrap workers that sign; the caller wipes it once they have it. */
  readonly secret: Uint8Array;
}

/** Reads and checks the key file; E_IO when it cannot be read, E_WRITER_KEY when it is not a writer key file. */
export function readServiceWriterKey(path: string): ServiceWriterKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return fail('E_IO', `cannot read the service's writer key ${path}: make one with "gitseal serve init"`);
  }
  const { signer } = decodeWriterKeyFile(text, path);
  const raw: unknown = parse(text, { maxAliasCount: 0 });
  const secret = isRecord(raw) && typeof raw.secret === 'string' ? fromB64url(raw.secret, `${path} secret`) : fail('E_WRITER_KEY', `${path} has no secret`);
  return { key: { kid: signer.kid, publicKey: signer.publicKey }, secret };
}

/** Makes a new key file (mode 0600) unless one exists; the new key's public half, or null when the file was there. */
export function createServiceWriterKey(path: string): WriterPublic | null {
  if (existsSync(path)) return null;
  const secret = generateWriterSecret();
  try {
    writeAtomic(path, encodeWriterKeyFile(SERVICE_WRITER_NAME, secret), 0o600);
  } finally {
    wipe(secret);
  }
  const made = readServiceWriterKey(path);
  wipe(made.secret);
  return made.key;
}
