/**
 * Entry point: the only place that exits. `--version` answers before the
 * argument parser loads, so scripts that probe for gitseal pay no start-up.
 */
import { isGitsealError } from '../core/errors.js';
import { EXIT_CODES } from './exit-codes.js';
import { VERSION } from './version.js';

export function reportError(e: unknown): number {
  if (isGitsealError(e)) {
    process.stderr.write(`gitseal: ${e.message} [${e.code}]\n`);
    return EXIT_CODES[e.code];
  }
  // Never the message: it could quote input. The error's name (TypeError, RangeError…) is enough to file a bug.
  const what = e instanceof Error ? e.name : typeof e;
  process.stderr.write(`gitseal: internal error (${what}); this is a bug, please report it [E_INTERNAL]\n`);
  if (process.env.GITSEAL_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  return EXIT_CODES.E_INTERNAL;
}

// Not top-level await: the single executable (build-binary.mjs) is a CommonJS bundle of this file.
async function main(args: string[]): Promise<void> {
  try {
    if (args.length === 1 && args[0] === '--version') process.stdout.write(`${VERSION}\n`);
    else await (await import('./command-table.js')).runCli(args);
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

void main(process.argv.slice(2));
