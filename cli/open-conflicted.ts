/**
 * Opening an encrypted file for `gitseal edit`, including one the merge
 * driver left with entry conflicts: then the text to edit shows each
 * conflicting line twice between markers (core/review/conflict-view.ts), and the
 * file is re-sealed from ours' version, whose MAC covers everything else.
 */
import { conflictView } from '../core/review/conflict-view.js';
import { hasConflictMarkers, refuseConflicted, splitConflicts } from '../core/format/conflict-markers.js';
import { openStream, renderOpened } from '../core/format/stream.js';
import { readInput } from './files.js';
import { identitiesFor } from './keys.js';
import { openFile, policyOf, type OpenFile } from './open-file.js';
import { checkWriters } from './writer.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';

export interface EditableFile {
  readonly file: OpenFile;
  /** The plaintext to edit; with conflict markers when `conflicted`. */
  readonly view: string;
  readonly conflicted: boolean;
}

/** Throws E_FORMAT for conflicts it cannot show (whole-file ones), and what openFile throws. */
export async function openForEdit(file: string, keyFile: string | undefined): Promise<EditableFile> {
  const text = readInput(file);
  if (!hasConflictMarkers(text)) {
    const f = await openFile(file, keyFile);
    return { file: f, view: renderOpened(f.opened), conflicted: false };
  }
  const split = splitConflicts(text);
  if (!split) {
    refuseConflicted(text);
    throw new Error('unreachable: refuseConflicted throws for marked text');
  }
  // The merge driver checked both sides' writers before it marked these conflicts; ours is checked again as any edit is.
  const policy = policyOf(file);
  checkWriters(file, parseEncrypted(split.ours).docs, policy);
  const { opened, format } = openStream(split.ours, await identitiesFor([split.ours], keyFile));
  return { file: { file, text, opened, format, policy }, view: conflictView(opened, split.theirs), conflicted: true };
}
