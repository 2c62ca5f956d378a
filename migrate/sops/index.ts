/** SOPS files of any format gitseal can hold: detect, parse, open. Pure. */
import { openSopsDotenv, parseSopsDotenv, type SopsDotenvFile } from './dotenv.js';
import { importableStore, type SopsInputType } from './store-kind.js';
import { openSopsTree, parseSopsTree, type OpenedSops, type OpenOptions, type SopsTreeFile } from './tree.js';

export type SopsFile = SopsTreeFile | SopsDotenvFile;
export type { OpenedSops, OpenOptions };
export { sealSopsTree } from './tree.js';
export { EXPORT_VERSION } from './metadata.js';

/**
 * Parses a SOPS file; `name` (the file's name, when it has one) tells a SOPS
 * binary file from a JSON one as SOPS does. Throws E_SOPS for a binary or
 * INI file, a file without SOPS metadata, or one too new.
 */
export function parseSops(text: string, format?: SopsInputType, name?: string): SopsFile {
  return importableStore(text, format, name) === 'dotenv' ? parseSopsDotenv(text) : parseSopsTree(text);
}

export function openSops(f: SopsFile, dataKey: Uint8Array, opts: OpenOptions = {}): OpenedSops {
  return f.format === 'dotenv' ? openSopsDotenv(f, dataKey, opts) : openSopsTree(f, dataKey, opts);
}
