#!/usr/bin/env node
// `npm test`'s runner: vitest in a process group of its own, with a budget for
// the whole run (GITSEAL_TEST_BUDGET_S, default 900). The watchdog reporter
// stops a single stuck file; this catches the rest (a stuck vitest itself) and,
// at the end, kills whatever a killed test left running in the group.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const budgetS = Number(process.env.GITSEAL_TEST_BUDGET_S) || 900;
const dir = mkdtempSync(join(tmpdir(), 'gitseal-watchdog-'));
const vitest = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../node_modules/vitest/vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  detached: true,
  env: { ...process.env, GITSEAL_WATCHDOG_DIR: dir },
});

const killGroup = () => {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is empty
  }
};

function lastBeats() {
  return readdirSync(dir)
    .map((name) => {
      try {
        return JSON.parse(readFileSync(join(dir, name), 'utf8'));
      } catch {
        return undefined;
      }
    })
    .filter(Boolean)
    .map((b) => `  ${relative(process.cwd(), b.testFile)} (worker ${b.pid}, last heartbeat ${Math.round((Date.now() - b.at) / 1000)} s ago)`);
}

const budget = setTimeout(() => {
  process.stderr.write(`\nWATCHDOG: the test run exceeded its budget of ${budgetS} s (GITSEAL_TEST_BUDGET_S). Last test files of each worker:\n${lastBeats().join('\n')}\n`);
  killGroup();
}, budgetS * 1000);

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => killGroup());

child.on('exit', (code, signal) => {
  clearTimeout(budget);
  killGroup();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
