/**
 * The single executable (build-binary.mjs: a Node SEA): whether this process
 * is one, and the files built into it.
 */
import { getAsset, isSea } from 'node:sea';

/** The unwrap worker's CommonJS bundle, embedded by build-binary.mjs under this name. */
export const UNWRAP_WORKER_ASSET = 'unwrap-worker.cjs';

export function isSingleExecutable(): boolean {
  return isSea();
}

/** An embedded file's text; throws when this is not the single executable or it has no such file. */
export function embeddedText(name: string): string {
  return getAsset(name, 'utf8');
}
