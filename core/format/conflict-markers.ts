/**
 * Git-style conflict markers in encrypted files, as the merge driver writes
 * them, and reading them back.
 *
 * An entry conflict marks one value line, nothing else:
 *
 *     <<<<<<< ours
 *         t.TOKEN: v1.OURS
 *     =======
 *         t.TOKEN: v1.THEIRS
 *     >>>>>>> theirs
 *
 * The rest of the file is the merged document with ours' value at that
 * entry, and its MAC covers that choice: deleting the markers and the
 * theirs line gives a valid file. Keeping theirs' line instead needs the
 * key (`gitseal edit` resolves on the decrypted text and re-seals). A
 * whole-file conflict puts the two complete files between the markers.
 * No gitseal command reads a file with markers except `gitseal edit`
 * (`parseEncrypted` refuses it with E_FORMAT and says how to resolve).
 */
import { fail } from '../errors.js';

export const OURS_MARKER = '<<<<<<< ours';
export const SPLIT_MARKER = '=======';
export const THEIRS_MARKER = '>>>>>>> theirs';

const START = /^<{7}(?: |$)/m;
const END = /^>{7}(?: |$)/m;

/** True when the text carries git conflict markers (a start and an end line). */
export const hasConflictMarkers = (text: string): boolean => START.test(text) && END.test(text);

/** Throws E_FORMAT, saying how to resolve, when `text` has conflict markers. */
export function refuseConflicted(text: string): void {
  if (!hasConflictMarkers(text)) return;
  const entries = splitConflicts(text);
  fail(
    'E_FORMAT',
    entries
      ? `the file has ${entries.theirs.length} unresolved merge conflict(s) on values (<<<<<<< markers from "git merge"): resolve them on the decrypted text with "gitseal edit FILE", or keep ours' values by deleting the marker lines and the theirs line`
      : 'the file has an unresolved merge conflict (both whole versions between <<<<<<< markers): keep one side with "git checkout --ours FILE" or "git checkout --theirs FILE", then redo the other side\'s change with "gitseal edit" or "gitseal set"',
  );
}

/**
 * Replaces the line of each conflicting entry (found by its token and ours'
 * ciphertext) with the marked pair. Null when a line is not found exactly
 * once, e.g. the merged document was sealed under a new DEK: the caller
 * then writes a whole-file conflict.
 */
export function markEntryConflicts(text: string, conflicts: readonly { token: string; ours: string; theirs: string }[]): string | null {
  const lines = text.split('\n');
  for (const c of conflicts) {
    const at = lines.flatMap((l, i) => (l.includes(c.token) && l.includes(c.ours) ? [i] : []));
    if (at.length !== 1) return null;
    const line = lines[at[0]!]!;
    lines.splice(at[0]!, 1, OURS_MARKER, line, SPLIT_MARKER, line.replace(c.ours, c.theirs), THEIRS_MARKER);
  }
  return lines.join('\n');
}

/** Both complete files between markers: nothing of either side is lost. */
export function wholeFileConflict(ours: string, theirs: string): string {
  const line = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
  return `${OURS_MARKER}\n${line(ours)}${SPLIT_MARKER}\n${line(theirs)}${THEIRS_MARKER}\n`;
}

export interface TheirsEntry {
  readonly token: string;
  readonly sealed: string;
}

// A value line of either encoding: `    t.X: v1.Y` (YAML) or `      "t.X": "v1.Y",` (JSON).
const ENTRY_LINE = /^\s*"?(t\.[A-Za-z0-9_-]+)"?\s*:\s*"?(v1\.[A-Za-z0-9_-]+)"?,?\s*$/;

/**
 * Splits a file with entry conflicts into ours' version (a valid encrypted
 * file) and theirs' ciphertexts. Null when some conflict is not a single
 * entry on both sides (a whole-file conflict, or markers written by hand).
 */
export function splitConflicts(text: string): { ours: string; theirs: TheirsEntry[] } | null {
  const lines = text.split('\n');
  const out: string[] = [];
  const theirs: TheirsEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/^<{7}(?: |$)/.test(line)) {
      if (/^(={7}|>{7}(?: |$)|\|{7})/.test(line)) return null;
      out.push(line);
      continue;
    }
    const o = ENTRY_LINE.exec(lines[i + 1] ?? '');
    const t = ENTRY_LINE.exec(lines[i + 3] ?? '');
    if (!o || !t || lines[i + 2] !== SPLIT_MARKER || !/^>{7}(?: |$)/.test(lines[i + 4] ?? '') || o[1] !== t[1]) return null;
    out.push(lines[i + 1]!);
    theirs.push({ token: t[1]!, sealed: t[2]! });
    i += 4;
  }
  return { ours: out.join('\n'), theirs };
}
