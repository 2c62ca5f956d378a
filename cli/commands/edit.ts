import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { fail } from '../../core/errors.js';
import { hasConflictMarkers } from '../../core/format/conflict-markers.js';
import { writeAtomic } from '../files.js';
import { openForEdit } from '../open-conflicted.js';
import { reseal } from '../open-file.js';
import { createRamFile } from '../plaintext-file.js';
import type { EditOptions } from './edit.command.js';

export async function run(opts: EditOptions): Promise<void> {
  const file = opts.file;
  if (file === '-') fail('E_USAGE', 'edit needs a file, not standard input');
  // A file "gitseal git merge" left with conflicting values shows both sides of each, between markers.
  const { file: f, view: before, conflicted } = await openForEdit(file, opts.key);
  const tmp = createRamFile(basename(file).replace(/\.(ya?ml|json)$/, '') + (f.format === 'json' ? '.json' : '.yaml'), before);
  try {
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    // Through sh, like git, so EDITOR may carry arguments ("code --wait") whatever the login shell is.
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'gitseal-edit', tmp.path], { stdio: 'inherit' });
    if (r.error || r.status !== 0) fail('E_EDITOR', `the editor (${editor}) failed; ${file} is unchanged`);
    const after = tmp.read();
    if (conflicted && hasConflictMarkers(after))
      fail('E_EDITOR', `conflict markers (<<<<<<< … >>>>>>>) are still in the text; ${file} is unchanged: run "gitseal edit" again and keep one side of each`);
    if (after === before) {
      process.stderr.write(`gitseal: no changes; ${file} is unchanged\n`);
      return;
    }
    writeAtomic(file, await reseal(f, after));
  } finally {
    tmp.wipe();
  }
}
