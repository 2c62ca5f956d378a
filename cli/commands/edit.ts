import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { fail } from '../../core/errors.js';
import { renderOpened } from '../../core/stream.js';
import { writeAtomic } from '../files.js';
import { openFile, reseal } from '../open-file.js';
import { createRamFile } from '../plaintext-file.js';

export async function run(argv: Record<string, unknown>): Promise<void> {
  const file = argv.file as string;
  if (file === '-') fail('E_USAGE', 'edit needs a file, not standard input');
  const f = await openFile(file, argv.key as string | undefined);
  const before = renderOpened(f.opened);
  const tmp = createRamFile(basename(file).replace(/\.(ya?ml|json)$/, '') + (f.format === 'json' ? '.json' : '.yaml'), before);
  try {
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    // Through sh, like git, so EDITOR may carry arguments ("code --wait") whatever the login shell is.
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'gitseal-edit', tmp.path], { stdio: 'inherit' });
    if (r.error || r.status !== 0) fail('E_EDITOR', `the editor (${editor}) failed; ${file} is unchanged`);
    const after = tmp.read();
    if (after === before) {
      process.stderr.write(`gitseal: no changes; ${file} is unchanged\n`);
      return;
    }
    writeAtomic(file, reseal(f, after));
  } finally {
    tmp.wipe();
  }
}
