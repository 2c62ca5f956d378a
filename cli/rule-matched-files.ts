/** The encrypted files a creation rule of `.gitseal.yaml` matches, among those git tracks: what `rotate --all` rotates. */
import { lstatSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { looksEncrypted } from '../core/review/diff-file.js';
import { configPerFolder, policyFor } from './config.js';
import { readInput } from './files.js';
import { trackedFiles } from './tracked-files.js';

/** Paths relative to `cwd`, in git's order; `paths` limits the search as for `verify --all`. */
export async function ruleMatchedEncryptedFiles(cwd: string, paths: readonly string[] = []): Promise<string[]> {
  const { top, files } = await trackedFiles(cwd, paths);
  const configIn = configPerFolder();
  return files
    .map((rel) => join(top, rel))
    .filter((abs) => policyFor(configIn(dirname(abs)), abs).matched && lstatSync(abs, { throwIfNoEntry: false })?.isFile() === true && looksEncrypted(readInput(abs)))
    .map((abs) => relative(cwd, abs));
}
