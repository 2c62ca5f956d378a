/** The encrypted files a creation rule of `.gitseal.yaml` matches, among those git tracks: what `rotate --all` rotates. */
import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { looksEncrypted } from '../core/review/diff-file.js';
import { findConfig, policyFor, type Config } from './config.js';
import { readInput } from './files.js';
import { trackedFiles } from './tracked-files.js';

/** Absolute paths, in git's order; `paths` limits the search as for `verify --all`. */
export async function ruleMatchedEncryptedFiles(cwd: string, paths: readonly string[] = []): Promise<string[]> {
  const { top, files } = await trackedFiles(cwd, paths);
  const configs = new Map<string, Config | null>();
  const configIn = (dir: string): Config | null => {
    if (!configs.has(dir)) configs.set(dir, findConfig(dir));
    return configs.get(dir) ?? null;
  };
  return files
    .map((rel) => join(top, rel))
    .filter((abs) => policyFor(configIn(dirname(abs)), abs).matched && lstatSync(abs, { throwIfNoEntry: false })?.isFile() === true && looksEncrypted(readInput(abs)));
}
