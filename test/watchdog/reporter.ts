/**
 * Vitest reporter, in the main process: fails a test file whose worker stops
 * turning its event loop. Vitest's per-test timeouts run on that loop, so a
 * deadlocked or spinning worker would otherwise hold the run forever.
 *
 * Every worker beats (test/watchdog/heartbeat.ts). A file whose worker has
 * not beaten for GITSEAL_WATCHDOG_STALL_S seconds (default 90), or that has
 * run for GITSEAL_WATCHDOG_FILE_S seconds (default 600), is named on stderr
 * and its worker is killed; vitest then fails that file and goes on.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

interface Beat {
  pid: number;
  testFile: string;
  at: number;
}

const seconds = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

function readBeats(dir: string): Beat[] {
  const beats: Beat[] = [];
  for (const name of readdirSync(dir)) {
    try {
      beats.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as Beat);
    } catch {
      // a beat being rewritten this instant; the next check reads it
    }
  }
  return beats;
}

export default class WatchdogReporter implements Reporter {
  readonly #stallMs = seconds('GITSEAL_WATCHDOG_STALL_S', 90) * 1000;
  readonly #fileMs = seconds('GITSEAL_WATCHDOG_FILE_S', 600) * 1000;
  readonly #running = new Map<string, number>();
  readonly #ownDir: boolean;
  readonly #dir: string;
  #timer: NodeJS.Timeout | undefined;
  readonly #stopped: string[] = [];

  constructor() {
    // The wrapper (test/watchdog/run.mjs) may choose the folder so it can read the beats too.
    this.#ownDir = !process.env.GITSEAL_WATCHDOG_DIR;
    this.#dir = process.env.GITSEAL_WATCHDOG_DIR ?? mkdtempSync(join(tmpdir(), 'gitseal-watchdog-'));
    process.env.GITSEAL_WATCHDOG_DIR = this.#dir;
  }

  onTestRunStart(): void {
    this.#timer = setInterval(() => this.#check(), Math.min(5000, this.#stallMs / 4));
    this.#timer.unref();
  }

  onTestModuleQueued(m: TestModule): void {
    this.#running.set(m.moduleId, Date.now());
  }

  onTestModuleEnd(m: TestModule): void {
    this.#running.delete(m.moduleId);
  }

  onTestRunEnd(): void {
    clearInterval(this.#timer);
    if (this.#stopped.length) {
      process.stderr.write(`\nWATCHDOG stopped ${this.#stopped.length} test file(s):\n${this.#stopped.map((l) => `  ${l}\n`).join('')}`);
      process.exitCode = 1;
    }
    if (this.#ownDir) rmSync(this.#dir, { recursive: true, force: true });
  }

  #check(): void {
    const now = Date.now();
    const beats = readBeats(this.#dir);
    for (const [file, queuedAt] of this.#running) {
      const beat = beats.filter((b) => b.testFile === file).sort((a, b) => b.at - a.at)[0];
      const silentMs = now - Math.max(queuedAt, beat?.at ?? 0);
      const why =
        beat && silentMs > this.#stallMs
          ? `no heartbeat for ${Math.round(silentMs / 1000)} s: its event loop is blocked (a deadlock or an endless synchronous loop)`
          : now - queuedAt > this.#fileMs
            ? `still running after ${Math.round((now - queuedAt) / 1000)} s (limit GITSEAL_WATCHDOG_FILE_S=${this.#fileMs / 1000})`
            : undefined;
      if (!why) continue;
      const line = `${relative(process.cwd(), file)}: ${why}`;
      this.#stopped.push(line);
      this.#running.delete(file);
      process.stderr.write(`\nWATCHDOG: ${line}; killing its worker (pid ${beat?.pid ?? '?'})\n`);
      if (beat && beat.pid !== process.pid) {
        try {
          process.kill(beat.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      } else {
        process.exit(1); // a worker thread of this process, or no beat: only ending the run frees it
      }
    }
  }
}
