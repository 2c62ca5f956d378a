/**
 * A copied encrypted file shares its file id, document ids and DEKs with the
 * original, so one DEK opens both and the two can be linked. The first
 * re-encryption of either copy gives it new ones (schemas/FORMAT.md §4).
 * Copies are found in the file's git work tree (tracked and untracked files);
 * outside one there is nothing to compare with.
 */
import { dirname, relative, resolve } from 'node:path';
import { b64url } from '../core/bytes.js';
import type { OpenedDocument } from '../core/format/seal.js';
import { gitAt } from './git-repo.js';

/** Other files of the work tree that carry the file id of `opened` (paths relative to the current folder). */
export async function copiesOf(file: string, opened: readonly OpenedDocument[]): Promise<string[]> {
  const first = opened[0];
  if (file === '-' || !first) return [];
  const fileId = b64url(first.doc.envelope.file.fileId);
  const git = gitAt(dirname(resolve(file)));
  let top: string;
  let listing: string;
  try {
    top = (await git.revparse(['--show-toplevel'])).trim();
    // -I skips binary files; --untracked also finds a copy not yet added. Exit status 1 means no match.
    listing = await git.raw(['grep', '-l', '-z', '-I', '-F', '--untracked', '--full-name', '-e', `file: ${fileId}`, '-e', `"file": "${fileId}"`, '--', ':/']);
  } catch {
    return [];
  }
  const self = resolve(file);
  return listing
    .split('\0')
    .filter((f) => f !== '' && resolve(top, f) !== self)
    .map((f) => relative(process.cwd(), resolve(top, f)) || f);
}

/** Says on stderr that a copy gets new ids; returns whether `file` is a copy. */
export async function unlinkCopy(file: string, opened: readonly OpenedDocument[]): Promise<boolean> {
  const copies = await copiesOf(file, opened);
  if (copies.length) process.stderr.write(`gitseal: ${file} shares its file id with ${copies.join(', ')} (a copy): it gets a new file id, document ids and data keys\n`);
  return copies.length > 0;
}
