/**
 * `diff` of one file's two versions, whatever they hold: encrypted on both
 * sides, on one side only, absent (added or deleted), binary, malformed.
 * A version is encrypted when `parseEncrypted` accepts it, whatever the file
 * is called. A version that is not encrypted is never parsed further, so
 * the plaintext of a file encrypted on one side only is never shown.
 */
import { diffDocuments, type DiffOptions, type DocumentDiff } from './diff.js';
import type { EncryptedDocument } from '../format/encrypted-document.js';
import { parseEncrypted } from '../format/encrypted-store.js';
import { GitsealError, type ErrorCode } from '../errors.js';

/** One version of a file as read: missing, binary (a NUL byte, as git decides), or text. */
export type FileSide = { readonly kind: 'absent' } | { readonly kind: 'binary' } | { readonly kind: 'text'; readonly text: string };

export type FileStatus =
  /** encrypted on both sides, with no difference in what gitseal protects */
  | 'unchanged'
  | 'modified'
  | 'added'
  | 'deleted'
  /** encrypted in one version, plaintext or binary in the other: see `encrypted` */
  | 'encrypted-one-side'
  /** binary in both versions (or one, the other absent): nothing gitseal could have encrypted */
  | 'skipped'
  /** neither version is encrypted: not gitseal's business */
  | 'not-encrypted'
  | 'error';

export interface FileDiff {
  readonly path: string;
  /** The before version's path, when git saw a rename. */
  readonly oldPath?: string;
  readonly status: FileStatus;
  /** encrypted-one-side: the version that is encrypted. */
  readonly encrypted?: 'before' | 'after';
  readonly documents: readonly DocumentDiff[];
  readonly note?: string;
  /** status error: what went wrong, and in which version when it is one version's fault. */
  readonly error?: { readonly code: ErrorCode; readonly message: string; readonly version?: 'before' | 'after' };
}

/** Text that gitseal wrote, or meant to: its markers, checked only to tell a damaged encrypted file from plain text. */
const LOOKS_ENCRYPTED = /gitseal\.dev\/v1|^gitseal:|"gitseal"\s*:/m;

export const looksEncrypted = (text: string): boolean => LOOKS_ENCRYPTED.test(text);

type Parsed = { readonly kind: 'absent' | 'binary' | 'plain' } | { readonly kind: 'encrypted'; readonly docs: EncryptedDocument[] } | { readonly kind: 'broken'; readonly error: GitsealError };

function parseSide(side: FileSide): Parsed {
  if (side.kind !== 'text') return side;
  try {
    const { docs } = parseEncrypted(side.text);
    // No document at all (empty, or only comments, like a one-line README): nothing is encrypted in it.
    return docs.length ? { kind: 'encrypted', docs } : { kind: 'plain' };
  } catch (e) {
    if (!(e instanceof GitsealError)) throw e;
    // A file that gitseal did not write (not YAML, plain YAML, conflict markers in a README) is someone else's file.
    if (!looksEncrypted(side.text)) return { kind: 'plain' };
    return { kind: 'broken', error: e };
  }
}

const errorOf = (e: GitsealError, version?: 'before' | 'after') => ({ code: e.code, message: e.message, ...(version ? { version } : {}) });

/**
 * Compares two versions of `path`. Never throws a GitsealError: a version
 * that cannot be read or opened (E_FORMAT, E_TAMPERED, E_NO_KEY with
 * `showValues`…) gives status `error` with its code.
 */
export function diffFile(path: string, before: FileSide, after: FileSide, opts: DiffOptions, oldPath?: string): FileDiff {
  const base = { path, ...(oldPath !== undefined && oldPath !== path ? { oldPath } : {}) };
  const a = parseSide(before);
  const b = parseSide(after);
  // Damage on one side matters only when the file is gitseal's: the other side is encrypted, or it looks encrypted itself.
  if (a.kind === 'broken') return { ...base, status: 'error', documents: [], error: errorOf(a.error, 'before') };
  if (b.kind === 'broken') return { ...base, status: 'error', documents: [], error: errorOf(b.error, 'after') };
  try {
    if (a.kind === 'encrypted' && b.kind === 'encrypted') {
      const documents = diffDocuments(a.docs, b.docs, opts);
      const same = documents.every((d) => d.status === 'unchanged');
      const textDiffers = before.kind === 'text' && after.kind === 'text' && before.text !== after.text;
      return { ...base, status: same ? 'unchanged' : 'modified', documents, ...(same && textDiffers ? { note: 'the text differs, the encrypted content does not' } : {}) };
    }
    if (a.kind === 'encrypted') return oneSided(base, a.docs, 'before', b.kind === 'absent' ? 'deleted' : 'encrypted-one-side', opts);
    if (b.kind === 'encrypted') return oneSided(base, b.docs, 'after', a.kind === 'absent' ? 'added' : 'encrypted-one-side', opts);
  } catch (e) {
    if (e instanceof GitsealError) return { ...base, status: 'error', documents: [], error: errorOf(e) };
    throw e;
  }
  if (a.kind === 'binary' || b.kind === 'binary') return { ...base, status: 'skipped', documents: [], note: 'binary file' };
  return { ...base, status: 'not-encrypted', documents: [] };
}

function oneSided(base: Pick<FileDiff, 'path' | 'oldPath'>, docs: EncryptedDocument[], side: 'before' | 'after', status: FileStatus, opts: DiffOptions): FileDiff {
  const documents = side === 'before' ? diffDocuments(docs, [], opts) : diffDocuments([], docs, opts);
  return { ...base, status, ...(status === 'encrypted-one-side' ? { encrypted: side } : {}), documents };
}

/** True when the file counts as a difference for the exit status (diff(1): 1). */
export const fileDiffers = (f: FileDiff): boolean => f.status === 'modified' || f.status === 'added' || f.status === 'deleted' || f.status === 'encrypted-one-side';
