/**
 * The single executable (build-binary.mjs: a Node SEA): whether this process
 * is one, and the files built into it.
 */
import { getAsset, isSea } from 'node:sea';

/** The names build-binary.mjs embeds its files under. */
export const ASSETS = {
  /** The CLI's CommonJS bundle, wrapped as `(function (exports, require, module) {…})`. */
  cli: 'gitseal.cjs',
  /** V8's code cache of `cli`, made by the Node the binary is a copy of. */
  cliCodeCache: 'gitseal.cjs.code-cache',
  /** The unwrap worker's CommonJS bundle. */
  unwrapWorker: 'unwrap-worker.cjs',
} as const;

export function isSingleExecutable(): boolean {
  return isSea();
}

/** An embedded file's text; throws when this is not the single executable or it has no such file. */
export function embeddedText(name: string): string {
  return getAsset(name, 'utf8');
}

export function embeddedBytes(name: string): Buffer {
  return Buffer.from(getAsset(name));
}
