/**
 * Who wrote a document, on the command line: the user's writer key signs
 * what they write, and their trust file (never `.gitseal.yaml` alone) says
 * whose signatures they accept (schemas/FORMAT.md §13, README "Writers").
 */
import { readFileSync } from 'node:fs';
import { ioError } from '../runtime/atomic-file.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { decodeTrustFile, decodeWriterKeyFile, type TrustFile, type WriterKeyFile } from '../core/crypto/writer-file.js';
import type { TrustedWriter } from '../core/crypto/writer-key.js';
import type { EncryptedDocument } from '../core/format/encrypted-document.js';
import { checkSignature, describeSignature, type DocumentSigner, type SignatureCheck } from '../core/format/signature.js';
import type { OpenedDocument } from '../core/format/seal.js';
import type { FilePolicy } from './config.js';
import { warnIfShared } from './keys.js';

const configHome = () => process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
export const writerKeyPath = (): string => process.env.GITSEAL_WRITER_KEY || join(configHome(), 'gitseal', 'writer.yaml');
export const trustFilePath = (): string => process.env.GITSEAL_TRUST || join(configHome(), 'gitseal', 'trust.yaml');

function readIf(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError(path, 'read', e);
  }
}

const writerKeys = new Map<string, WriterKeyFile | null>();

/** The user's writer key, or null when they have none; read once per command. */
export function loadWriterKey(): WriterKeyFile | null {
  const path = writerKeyPath();
  if (!writerKeys.has(path)) writerKeys.set(path, readWriterKey(path));
  return writerKeys.get(path)!;
}

function readWriterKey(path: string): WriterKeyFile | null {
  const text = readIf(path);
  if (text === null && process.env.GITSEAL_WRITER_KEY) fail('E_WRITER_KEY', `GITSEAL_WRITER_KEY names ${path}, which does not exist`);
  if (text === null) return null;
  warnIfShared(path, 'writer key');
  return decodeWriterKeyFile(text, path);
}

const trustFiles = new Map<string, TrustFile>();

/** The user's trust file (empty when there is none); read once per command. */
export function loadTrustFile(): TrustFile {
  const path = trustFilePath();
  if (!trustFiles.has(path)) {
    const text = readIf(path);
    trustFiles.set(path, text === null ? { requireSignatures: false, writers: [] } : decodeTrustFile(text, path));
  }
  return trustFiles.get(path)!;
}

const required = (policy: FilePolicy): boolean => policy.requireSignatures || loadTrustFile().requireSignatures;

/**
 * Signs what the user writes, when they have a writer key. Without one, the rewrap service signs
 * (GITSEAL_SERVER, see `finishSigning`); with neither, E_UNSIGNED when signatures are required.
 */
export function writerSigner(policy: FilePolicy): DocumentSigner | undefined {
  const key = loadWriterKey();
  if (key) return { kid: key.signer.kid, subject: key.name, sign: (m) => key.signer.sign(m) };
  if (!process.env.GITSEAL_SERVER && required(policy))
    fail('E_UNSIGNED', 'signatures are required here and you have no writer key: make one with "gitseal keygen --writer --name YOU" and have it trusted, or sign through the rewrap service (GITSEAL_SERVER)');
  return undefined;
}

/** The last step of every write: with no writer key but a rewrap service, the service signs what is unsigned. */
export async function finishSigning(text: string, policy: FilePolicy): Promise<string> {
  if (loadWriterKey() || !process.env.GITSEAL_SERVER) return text;
  const { signWithService } = await import('./service-signing.js');
  return signWithService(text, required(policy));
}

export interface WriterTrust {
  readonly required: boolean;
  readonly writers: readonly TrustedWriter[];
  /** Writers `.gitseal.yaml` declares: named in messages, not trusted for that. */
  readonly declared: readonly TrustedWriter[];
}

/** The user's trust file plus their own writer key; signatures are required when either it or `.gitseal.yaml` says so. */
export function writerTrust(policy: FilePolicy): WriterTrust {
  const trust = loadTrustFile();
  const own = loadWriterKey();
  const writers = own ? [...trust.writers, { name: own.name, key: own.signer }] : trust.writers;
  return { required: trust.requireSignatures || policy.requireSignatures, writers, declared: policy.declaredWriters };
}

/**
 * Picks documents sealed by a writer who is gone: `.gitseal.yaml` lists the team's writers, and one no
 * longer listed there (nor trusted by the user) knows the document's DEK, so its next re-encryption gets
 * a new one. Without a declared list nothing is picked: an unknown writer is then not a removed one.
 */
export function removedWriterOf(policy: FilePolicy): (previous: OpenedDocument) => boolean {
  if (policy.declaredWriters.length === 0) return () => false;
  const { writers, declared } = writerTrust(policy);
  const known = new Set([...writers, ...declared].map((w) => w.key.kid));
  return (previous) => {
    const kid = previous.doc.envelope.signature?.kid;
    return kid !== undefined && !known.has(kid);
  };
}

export interface SignatureReport {
  readonly index: number;
  readonly check: SignatureCheck;
  /** The text for people: who signed, or why the signature is not accepted. */
  readonly text: string;
  /** The refusal when signatures are required (or the signature is broken), else null. */
  readonly refusal: { code: 'E_TAMPERED' | 'E_UNSIGNED' | 'E_UNTRUSTED_WRITER'; message: string } | null;
}

export function signatureReport(doc: EncryptedDocument, index: number, trust: WriterTrust): SignatureReport {
  const check = checkSignature(doc, trust.writers);
  let text = describeSignature(check);
  if (check.status === 'untrusted') {
    const declared = trust.declared.find((w) => w.key.kid === check.kid);
    if (declared) text += `; .gitseal.yaml names it ${JSON.stringify(declared.name)}, but a key is not trusted for being in the repository: add it with "gitseal trust add" once you know it is theirs`;
  }
  const code = check.status === 'invalid' ? 'E_TAMPERED' : !trust.required ? null : check.status === 'unsigned' ? 'E_UNSIGNED' : check.status === 'untrusted' ? 'E_UNTRUSTED_WRITER' : null;
  return { index, check, text, refusal: code ? { code, message: `document ${index + 1} is ${text}` } : null };
}

/**
 * Names the writer of each document on stderr and refuses, before anything is decrypted, a broken
 * signature always and an unsigned or untrusted document when signatures are required.
 */
export function checkWriters(file: string, docs: readonly EncryptedDocument[], policy: FilePolicy): void {
  const trust = writerTrust(policy);
  const reports = docs.map((d, i) => signatureReport(d, i, trust));
  const refused = reports.find((r) => r.refusal);
  if (refused?.refusal) fail(refused.refusal.code, `${file}: ${refused.refusal.message}`);
  for (const r of reports) {
    const doc = docs[r.index]!;
    const what = doc.mode === 'secret' ? `${doc.identity.namespace ?? '-'}/${doc.identity.name ?? '-'}` : 'generic';
    const warn = r.check.status === 'trusted' ? '' : ' (warning: anyone with the public key can write such a document; requireSignatures: true refuses it)';
    process.stderr.write(`gitseal: ${file}#${r.index + 1} ${what}: ${r.text}${warn}\n`);
  }
}
