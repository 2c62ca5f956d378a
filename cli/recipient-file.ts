/**
 * Recipients kept in files, as age and sops read them with `-R`: one
 * `gitseal1:…` recipient a line; blank lines and lines that start with `#`
 * are skipped. `-R FILE` reads a file the user names; `{file: PATH}` in
 * `.gitseal.yaml` reads one the repository names, and whoever can push
 * writes the repository, so that path must stay inside it: no absolute
 * path, no `..` or symbolic link that leads out (a link to `~/.ssh/…` or
 * `/dev/zero` is refused, not read), and only a regular file of at most
 * MAX_RECIPIENT_FILE_BYTES.
 */
import { closeSync, fstatSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fail, isGitsealError } from '../core/errors.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { ioError } from '../runtime/atomic-file.js';

/** A recipient is about 2,200 characters: this is hundreds of them. */
export const MAX_RECIPIENT_FILE_BYTES = 1024 * 1024;

/**
 * The recipients a file's text lists, in order. `where` names the file in
 * messages. Throws E_RECIPIENT naming `where` and the line of a line that is
 * not a recipient, and E_NO_RECIPIENTS when the file lists none.
 */
export function parseRecipientLines(text: string, where: string): string[] {
  const recipients: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      parseRecipient(line);
    } catch (e) {
      // The parser's message quotes the line; the line number says enough.
      if (!isGitsealError(e, 'E_RECIPIENT')) throw e;
      fail('E_RECIPIENT', `${where}, line ${i + 1}: not a recipient: expected gitseal1:<alg>:<public key>, one a line (# starts a comment line)`);
    }
    recipients.push(line);
  }
  if (recipients.length === 0) fail('E_NO_RECIPIENTS', `${where} lists no recipient: one gitseal1:… a line`);
  return recipients;
}

/** Reads a regular file of at most MAX_RECIPIENT_FILE_BYTES; E_IO otherwise. */
function readBounded(file: string, shown: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw ioError(shown, 'read the recipient file', e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) fail('E_IO', `the recipient file ${shown} is not a regular file`);
    if (st.size > MAX_RECIPIENT_FILE_BYTES) fail('E_IO', `the recipient file ${shown} is over ${MAX_RECIPIENT_FILE_BYTES} bytes`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** `-R FILE`: the recipients of a file the user names. Throws E_IO, E_RECIPIENT or E_NO_RECIPIENTS. */
export function readRecipientFile(file: string): string[] {
  return parseRecipientLines(readBounded(file, file), file);
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
};

/**
 * `{file: PATH}` in `.gitseal.yaml` (at `configFile`): PATH is relative to
 * the file's folder and must lead, symbolic links followed, to a file
 * inside `root` (the repository's work tree, or the config's folder outside
 * one; `where` names it in messages). Throws E_CONFIG for a path that leaves it or does not exist, else as
 * readRecipientFile.
 */
export function readRecipientFileWithin(path: string, configFile: string, configDir: string, root: string, where = 'the repository'): string[] {
  const shown = `${configFile}: recipient file ${JSON.stringify(path)}`;
  if (path === '' || isAbsolute(path) || path.includes('\0')) fail('E_CONFIG', `${shown} must be a path relative to .gitseal.yaml`);
  const target = resolve(configDir, path);
  if (!inside(resolve(root), target)) fail('E_CONFIG', `${shown} leads outside ${where}`);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return fail('E_CONFIG', `${shown} does not exist`);
  }
  if (!inside(realpathSync(root), real)) fail('E_CONFIG', `${shown} is a symbolic link that leads outside ${where}: refused`);
  return parseRecipientLines(readBounded(real, shown), shown);
}
