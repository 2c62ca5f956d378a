/**
 * Setup file of every test file: a heartbeat the watchdog reporter reads.
 * While this worker's event loop turns, it rewrites one small file every
 * second naming the test file it runs; when the loop is blocked (a deadlock in
 * native code, an endless synchronous loop) the file goes stale, which
 * vitest's own timeouts cannot notice because they need that same loop.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { expect } from 'vitest';

interface Heartbeat {
  testFile: string;
  timer?: NodeJS.Timeout;
}

const dir = process.env.GITSEAL_WATCHDOG_DIR;
const testFile = expect.getState().testPath;
// One timer per worker, even when a worker runs several test files in turn.
const global = globalThis as { gitsealHeartbeat?: Heartbeat };

if (dir && testFile) {
  const state = (global.gitsealHeartbeat ??= { testFile });
  state.testFile = testFile;
  const file = join(dir, `${process.pid}-${threadId}.json`);
  const beat = (): void => writeFileSync(file, JSON.stringify({ pid: process.pid, testFile: state.testFile, at: Date.now() }));
  beat();
  if (!state.timer) {
    state.timer = setInterval(beat, 1000);
    state.timer.unref();
  }
}
