/**
 * Runs a child process that reads or edits a plaintext RAM file (cli/plaintext-file.ts: the editor of
 * `edit`, the command of `exec-file`) and waits for it.
 * SIGHUP (the terminal went away) and SIGTERM wipe the file, pass the signal on and exit, so no
 * plaintext stays behind. SIGINT is the child's own, as in git: Ctrl-C reaches both, the child
 * decides, and the caller wipes when it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { RamFile } from './plaintext-file.js';

/**
 * The child's exit status (128 + the signal's number when a signal ended it), or null when it could not
 * start. `onStop` ends the message printed when a signal stops gitseal (what became of the user's file).
 */
export function runWithPlaintext(tmp: RamFile, command: string, args: readonly string[], onStop?: string): Promise<number | null> {
  let child: ChildProcess | undefined;
  const ignore = (): void => {};
  const stop = (signal: NodeJS.Signals): void => {
    tmp.wipe();
    child?.kill(signal);
    process.stderr.write(`gitseal: ${signal}: the plaintext was wiped${onStop ? `; ${onStop}` : ''}\n`);
    process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', ignore);
  process.on('SIGHUP', stop);
  process.on('SIGTERM', stop);
  // Listening first: the child may signal before spawn returns.
  child = spawn(command, [...args], { stdio: 'inherit' });
  const running = child;
  return new Promise<number | null>((resolve) => {
    running.on('error', () => resolve(null));
    running.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  }).finally(() => {
    process.off('SIGINT', ignore);
    process.off('SIGHUP', stop);
    process.off('SIGTERM', stop);
  });
}
