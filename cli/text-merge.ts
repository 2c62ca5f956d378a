/**
 * Line-based three-way merges with `git merge-file`: of decrypted texts in
 * a RAM folder (cli/plaintext-file.ts; the result comes back through a
 * pipe, so plaintext never reaches persistent disk), and in place for
 * files gitseal did not encrypt.
 */
import { spawnSync } from 'node:child_process';
import { fail } from '../core/errors.js';
import type { TextMergeResult } from '../core/review/merge.js';
import { createRamFile, type RamFile } from './plaintext-file.js';

const LABELS = ['-L', 'ours', '-L', 'base', '-L', 'theirs'];

/** `git merge-file` exits with the number of conflicts (capped at 127), or 255 on error. */
function conflictsOf(status: number | null, error: Error | undefined): number {
  if (error || status === null || status > 127) return fail('E_INTERNAL', 'git merge-file failed: is git installed?');
  return status;
}

/** Merges decrypted texts; throws E_EDITOR when there is no memory-backed folder, E_INTERNAL when git fails. */
export function mergeTextInMemory(base: string, ours: string, theirs: string): TextMergeResult {
  const files: RamFile[] = [];
  try {
    for (const [name, text] of [['base', base], ['ours', ours], ['theirs', theirs]] as const) files.push(createRamFile(name, text));
    const [b, o, t] = files as [RamFile, RamFile, RamFile];
    const r = spawnSync('git', ['merge-file', '-p', ...LABELS, o.path, b.path, t.path], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const conflicts = conflictsOf(r.status, r.error);
    return { clean: conflicts === 0, text: conflicts === 0 ? r.stdout : '' };
  } finally {
    for (const f of files) f.wipe();
  }
}

/** Merges plain files the way git would, writing into `ours`; true when clean. */
export function mergeFilesInPlace(base: string, ours: string, theirs: string): boolean {
  const r = spawnSync('git', ['merge-file', ...LABELS, ours, base, theirs], { stdio: ['ignore', 'ignore', 'inherit'] });
  return conflictsOf(r.status, r.error) === 0;
}
