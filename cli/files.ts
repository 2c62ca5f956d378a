/**
 * File input and output for the CLI. Writes are atomic (temporary file in
 * the same folder, fsync, rename) so a failure never leaves a half-written
 * file, and they keep the mode of the file they replace.
 */
import { readFileSync } from 'node:fs';
import { GitsealError } from '../core/errors.js';
import { ioError, writeAtomic } from '../runtime/atomic-file.js';

export { writeAtomic };

export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw ioError(file, 'read', e);
  }
}

/** Where a command's text goes: stdout, `-o OUT`, or back into the input with `-i`. */
export function emitOutput(text: string, opts: { file: string; inPlace?: boolean | undefined; output?: string | undefined }, mode?: number): void {
  if (opts.inPlace) {
    if (opts.file === '-') throw new GitsealError('E_USAGE', '-i needs a file, not standard input');
    writeAtomic(opts.file, text, mode);
  } else if (opts.output && opts.output !== '-') writeAtomic(opts.output, text, mode);
  else process.stdout.write(text);
}
