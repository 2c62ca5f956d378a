/** SOPS files of any format: detect, parse, open. Pure. */
import { looksDotenv, openSopsDotenv, parseSopsDotenv, type SopsDotenvFile } from './dotenv.js';
import { openSopsTree, parseSopsTree, type OpenedSops, type OpenOptions, type SopsTreeFile } from './tree.js';

export type SopsFile = SopsTreeFile | SopsDotenvFile;
export type { OpenedSops, OpenOptions };
export { sealSopsTree } from './tree.js';
export { EXPORT_VERSION } from './metadata.js';

export function parseSops(text: string, format?: 'yaml' | 'json' | 'dotenv'): SopsFile {
  if (format === 'dotenv' || (format === undefined && looksDotenv(text))) return parseSopsDotenv(text);
  return parseSopsTree(text);
}

export function openSops(f: SopsFile, dataKey: Uint8Array, opts: OpenOptions = {}): OpenedSops {
  return f.format === 'dotenv' ? openSopsDotenv(f, dataKey, opts) : openSopsTree(f, dataKey, opts);
}
