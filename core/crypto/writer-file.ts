/**
 * Files that hold writer keys (schemas/FORMAT.md §13): a writer's own key
 * file (secret, mode 0600) and a trust file listing the writers a reader
 * accepts. Both are YAML.
 */
import { parse, stringify } from 'yaml';
import { b64url, fromB64url } from '../bytes.js';
import { fail } from '../errors.js';
import { isRecord, unknownField } from '../is-record.js';
import { isPrintableSubject } from '../subject.js';
import { formatWriter, parseWriter, writerFromSecret, type TrustedWriter, type WriterSigner } from './writer-key.js';

export const WRITER_FILE_VERSION = 1;

export interface WriterKeyFile {
  readonly name: string;
  readonly signer: WriterSigner;
}

/** A subject names a person or service in messages and audit records: printable, at most 256 characters. */
export function checkSubject(name: unknown, what: string): string {
  if (typeof name !== 'string' || !isPrintableSubject(name)) fail('E_WRITER_KEY', `${what} must be 1–256 printable characters`);
  return name;
}

export function encodeWriterKeyFile(name: string, secret: Uint8Array): string {
  const signer = writerFromSecret(secret);
  return stringify({ 'gitseal-writer': WRITER_FILE_VERSION, name: checkSubject(name, 'the writer name'), kid: signer.kid, key: formatWriter(signer), secret: b64url(secret) }, { lineWidth: 0 });
}

function parseYaml(text: string, where: string): unknown {
  try {
    return parse(text, { maxAliasCount: 0 }) as unknown;
  } catch {
    return fail('E_WRITER_KEY', `${where} is not valid YAML`);
  }
}

export function decodeWriterKeyFile(text: string, where: string): WriterKeyFile {
  const raw = parseYaml(text, where);
  if (!isRecord(raw) || raw['gitseal-writer'] !== WRITER_FILE_VERSION) fail('E_WRITER_KEY', `${where} is not a gitseal writer key file ("gitseal-writer: 1")`);
  if (typeof raw.secret !== 'string') fail('E_WRITER_KEY', `${where} has no secret`);
  let secret: Uint8Array;
  try {
    secret = fromB64url(raw.secret, `${where} secret`);
  } catch {
    return fail('E_WRITER_KEY', `${where}: the secret is not base64url`);
  }
  const signer = writerFromSecret(secret);
  if (raw.kid !== signer.kid) fail('E_WRITER_KEY', `${where}: the secret does not give the kid the file states`);
  return { name: checkSubject(raw.name, `${where} name`), signer };
}

/** The writers list of a trust file or `.gitseal.yaml`: `[{name, key, signsFor?}]`. */
export function parseWriterList(v: unknown, where: string): TrustedWriter[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail('E_WRITER_KEY', `${where}: writers must be a list`);
  return v.map((w: unknown, i: number) => {
    if (!isRecord(w) || typeof w.key !== 'string') fail('E_WRITER_KEY', `${where}: writer ${i + 1} needs name and key`);
    refuseUnknown(w, ['name', 'key', 'signsFor'], `${where}: writer ${i + 1}`);
    if (w.signsFor !== undefined && typeof w.signsFor !== 'boolean') fail('E_WRITER_KEY', `${where}: writer ${i + 1} signsFor must be true or false`);
    return { name: checkSubject(w.name, `${where}: writer ${i + 1} name`), key: parseWriter(w.key), signsFor: w.signsFor === true };
  });
}

/** A misspelt field (`requireSignature: true`) must not leave signatures silently optional. */
function refuseUnknown(o: Record<string, unknown>, known: readonly string[], where: string): void {
  const odd = unknownField(o, known);
  if (odd !== undefined) fail('E_WRITER_KEY', `${where}: unknown field ${JSON.stringify(odd)} (known: ${known.join(', ')})`);
}

export interface TrustFile {
  readonly requireSignatures: boolean;
  readonly writers: readonly TrustedWriter[];
}

export function decodeTrustFile(text: string, where: string): TrustFile {
  const raw = parseYaml(text, where);
  if (raw === null) return { requireSignatures: false, writers: [] };
  if (!isRecord(raw)) fail('E_WRITER_KEY', `${where} must be a mapping with writers and requireSignatures`);
  refuseUnknown(raw, ['requireSignatures', 'writers'], where);
  if (raw.requireSignatures !== undefined && typeof raw.requireSignatures !== 'boolean') fail('E_WRITER_KEY', `${where}: requireSignatures must be true or false`);
  return { requireSignatures: raw.requireSignatures === true, writers: parseWriterList(raw.writers, where) };
}

export const encodeTrustFile = (t: TrustFile): string =>
  stringify({ requireSignatures: t.requireSignatures, writers: t.writers.map((w) => ({ name: w.name, key: formatWriter(w.key), ...(w.signsFor ? { signsFor: true } : {}) })) }, { lineWidth: 0 });
