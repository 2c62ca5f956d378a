/**
 * File input and output for the CLI. Writes are atomic (temporary file in
 * the same folder, fsync, rename) so a failure never leaves a half-written
 * file, and they keep the mode of the file they replace.
 */
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fail, GitsealError } from '../core/errors.js';
import { ioError, writeAtomic as replaceFile } from '../runtime/atomic-file.js';

let followSymlinks = false;
/** `--follow-symlinks`: write through a symbolic link wherever it points. */
export const setFollowSymlinks = (on: boolean): void => {
  followSymlinks = on;
};

/** The git work tree holding `dir` (looked up by name, as the path reads), or null. */
export function workTreeOf(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return null;
  }
}

/**
 * A committed symbolic link must not make `-i` or an edit write outside the repository (or, outside one,
 * the file's folder): `secret.yaml -> ~/.kube/config` would be overwritten. Refused unless --follow-symlinks.
 */
function refuseEscape(target: string): void {
  if (followSymlinks || !lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink()) return;
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return; // a dangling link is replaced by a file, not followed
  }
  const folder = resolve(dirname(target));
  const tree = workTreeOf(folder);
  const root = realpathSync(tree ?? folder);
  if (real !== root && !real.startsWith(root + sep))
    fail('E_IO', `${target} is a symbolic link to ${real}, outside ${tree ? 'the repository' : 'its folder'}: gitseal writes there only with --follow-symlinks`);
}

/** Replaces `target` whole (runtime/atomic-file.ts), refusing a symbolic link that leaves the repository. */
export function writeAtomic(target: string, text: string, mode?: number): void {
  refuseEscape(target);
  replaceFile(target, text, mode);
}

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
