/**
 * The suite cannot hang: `npm test`'s runner (test/watchdog/run.mjs) and the
 * watchdog reporter, run on fixtures whose event loop blocks for good.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

function runFixtures(env: Record<string, string>): Promise<{ status: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['test/watchdog/run.mjs', '--config', 'test/watchdog/fixtures/vitest.config.ts'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), 100_000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(guard);
      resolve({ status, output, ms: Date.now() - started });
    }),
  );
}

describe('test watchdog', () => {
  it('fails a test file whose event loop is blocked, names it, and runs the other files', async () => {
    const r = await runFixtures({ GITSEAL_WATCHDOG_STALL_S: '3' });
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toMatch(/WATCHDOG: test\/watchdog\/fixtures\/blocked\.fixture\.ts: no heartbeat for \d+ s: its event loop is blocked/);
    expect(r.output).toMatch(/✓ test\/watchdog\/fixtures\/passing\.fixture\.ts/);
    expect(r.ms).toBeLessThan(90_000);
  }, 110_000);

  it('ends a run that exceeds its budget and names what each worker ran last', async () => {
    const r = await runFixtures({ GITSEAL_WATCHDOG_STALL_S: '600', GITSEAL_TEST_BUDGET_S: '8' });
    expect(r.status, r.output).not.toBe(0);
    expect(r.output).toContain('exceeded its budget of 8 s');
    expect(r.output).toMatch(/ {2}test\/watchdog\/fixtures\/blocked\.fixture\.ts \(worker \d+/);
  }, 110_000);
});
