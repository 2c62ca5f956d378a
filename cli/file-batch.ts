/**
 * Commands that change several files (`encrypt -i`, `decrypt -i`, `rotate`, `updatekeys`) change them
 * all or not at all: every new text is made in memory first, so bad input in any file leaves every
 * file as it was; only then is each file replaced, atomically (cli/files.ts).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fail } from '../core/errors.js';
import { writeAtomic } from './files.js';
import { progress } from './progress.js';

export interface Rewrite {
  /** The file's new text; null leaves it untouched. */
  readonly text: string | null;
  /** The mode a new file gets (a replaced file keeps its own). */
  readonly mode?: number;
  /** Said on stderr once the file is written. */
  readonly message?: string;
}

/** One file named twice would be changed twice from the same old text: refused. */
function refuseRepeats(files: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    if (file === '-') fail('E_USAGE', 'standard input cannot be changed in place: name files');
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      real = resolve(file); // reading it will report what is wrong
    }
    const first = seen.get(real);
    if (first !== undefined) fail('E_USAGE', `${first} and ${file} are the same file: name it once`);
    seen.set(real, file);
  }
}

export async function rewriteAll(files: readonly string[], label: string, rewrite: (file: string) => Promise<Rewrite>): Promise<void> {
  refuseRepeats(files);
  const tick = progress(label);
  const results: Rewrite[] = [];
  for (const [n, file] of files.entries()) {
    results.push(await rewrite(file));
    tick(n + 1, files.length);
  }
  results.forEach((r, i) => {
    if (r.text !== null) writeAtomic(files[i]!, r.text, r.mode);
    if (r.message) process.stderr.write(r.message);
  });
}
