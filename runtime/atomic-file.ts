/**
 * Atomic file writes (docs/STYLE.md#files-are-replaced-whole): a temporary
 * file in the same folder, fsync, rename, fsync of the folder, so a failure
 * never leaves a half-written file. Shared by the CLI and the rewrap
 * service's key file.
 */
import { closeSync, existsSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GitsealError } from '../core/errors.js';

export function ioError(file: string, verb: string, e: unknown): GitsealError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unknown error');
  return new GitsealError('E_IO', `cannot ${verb} ${file === '-' ? 'standard input' : file}: ${why}`);
}

/**
 * Replaces `target` with `text`, keeping its mode unless `mode` is given
 * (new files: `mode` or 0644).
 */
export function writeAtomic(target: string, text: string, mode?: number): void {
  // Never replace what is not a regular file: /dev/null, /dev/stdout or a FIFO
  // is written to (a rename would put a plaintext file in its place), and a
  // symlink is followed so the link stays and its target gets the new text.
  const st = statSync(target, { throwIfNoEntry: false });
  if (st && !st.isFile() && !st.isDirectory()) {
    try {
      writeFileSync(target, text);
    } catch (e) {
      throw ioError(target, 'write', e);
    }
    return;
  }
  const file = st && lstatSync(target).isSymbolicLink() ? realpathSync(target) : target;
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.gitseal-${randomBytes(6).toString('hex')}.tmp`);
  let keepMode = mode;
  if (keepMode === undefined && existsSync(file)) keepMode = statSync(file).mode & 0o777;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', keepMode ?? 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e instanceof GitsealError ? e : ioError(file, 'write', e);
  }
}
