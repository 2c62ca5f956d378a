/**
 * The comment block `gitseal edit` puts at the top of the text it opens in
 * the editor: why the editor opened again (the error), or what a new file
 * is. Its lines start with `# gitseal:` and are removed before the text is
 * encrypted. A line number in the error is the text's own (as `gitseal
 * decrypt` shows it); in the block it is shifted by the block's length, so
 * it names the line the editor shows.
 */
import type { GitsealError } from '../core/errors.js';

const PREFIX = '# gitseal:';
const LEADING_BLOCK = /^(?:# gitseal:[^\n]*(?:\n|$))+/;
// The positions core/format/yaml-store.ts gives (`where`): "line N, column M".
const POSITION = /\bline (\d+), column (\d+)/g;

/** `lines` as a comment block on top of `text`. */
export function withHeader(lines: readonly string[], text: string): string {
  return lines.map((l) => `${PREFIX} ${l.replace(/\r?\n/g, ' ')}\n`).join('') + text;
}

/** The text without the leading block of `# gitseal:` lines (however many the user left). */
export function stripHeader(text: string): string {
  return text.replace(LEADING_BLOCK, '');
}

/** The block for text that could not be encrypted; `target` is what was not written. */
export function errorHeader(e: GitsealError, target: string): string[] {
  const lines = [
    '', // the error, once the block's length is known
    `fix the text below and save to encrypt it to ${target}; save it unchanged, or empty, to stop (nothing is written)`,
    `lines that start with "${PREFIX}" are removed before encrypting`,
  ];
  const shift = lines.length;
  lines[0] = `not encrypted: ${e.message.replace(POSITION, (_, line: string, col: string) => `line ${Number(line) + shift}, column ${col}`)} [${e.code}]`;
  return lines;
}
