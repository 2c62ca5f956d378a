import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { fail } from '../../core/errors.js';
import { hasConflictMarkers } from '../../core/format/conflict-markers.js';
import { writeAtomic } from '../files.js';
import { openForEdit } from '../open-conflicted.js';
import { reseal } from '../open-file.js';
import { createRamFile, type RamFile } from '../plaintext-file.js';
import type { EditOptions } from './edit.command.js';

/**
 * Runs the editor on the RAM file and waits. SIGHUP (the terminal went away) and SIGTERM stop the editor
 * and wipe the file before gitseal exits, so no plaintext stays behind. SIGINT is the editor's own, as in
 * git: Ctrl-C reaches both, and the editor decides; when it exits, the caller wipes.
 */
function runEditor(editor: string, tmp: RamFile): Promise<number | null> {
  let child: ChildProcess | undefined;
  const ignore = (): void => {};
  const stop = (signal: NodeJS.Signals): void => {
    tmp.wipe();
    child?.kill(signal);
    process.stderr.write(`gitseal: ${signal}: the plaintext was wiped; the file is unchanged\n`);
    process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', ignore);
  process.on('SIGHUP', stop);
  process.on('SIGTERM', stop);
  // Listening first: the editor may signal before spawn returns. Through sh, like git, so EDITOR may
  // carry arguments ("code --wait") whatever the login shell is.
  child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'gitseal-edit', tmp.path], { stdio: 'inherit' });
  const running = child;
  return new Promise<number | null>((resolve) => {
    running.on('error', () => resolve(null));
    running.on('exit', (code) => resolve(code));
  }).finally(() => {
    process.off('SIGINT', ignore);
    process.off('SIGHUP', stop);
    process.off('SIGTERM', stop);
  });
}

export async function run(opts: EditOptions): Promise<void> {
  const file = opts.file;
  if (file === '-') fail('E_USAGE', 'edit needs a file, not standard input');
  // A file "gitseal git merge" left with conflicting values shows both sides of each, between markers.
  const { file: f, view: before, conflicted } = await openForEdit(file, opts.key);
  const tmp = createRamFile(basename(file).replace(/\.(ya?ml|json)$/, '') + (f.format === 'json' ? '.json' : '.yaml'), before);
  try {
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    if ((await runEditor(editor, tmp)) !== 0) fail('E_EDITOR', `the editor (${editor}) failed; ${file} is unchanged`);
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
