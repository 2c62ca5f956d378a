import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'migrate/**/*.test.ts', 'runtime/**/*.test.ts', 'kms/**/*.test.ts', 'cli/**/*.test.ts', 'controller/**/*.test.ts', 'test/**/*.test.ts'],
    // Workers are processes, so the watchdog can kill one whose event loop is stuck.
    pool: 'forks',
    // vitest's default is one worker fewer than cores: a single worker on a two-core machine, which left the
    // CPU 40% idle while tests waited on the processes they spawn.
    maxWorkers: Math.max(2, availableParallelism()),
    setupFiles: ['test/watchdog/heartbeat.ts'],
    reporters: ['default', './test/watchdog/reporter.ts'],
    // Tests spawn the CLI, git and servers; on a busy two-core machine that takes several times longer than idle.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
