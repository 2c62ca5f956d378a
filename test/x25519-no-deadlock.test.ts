/**
 * Node 20 freezes for good when a garbage collection runs inside the JWK
 * export of a key made by generateKeyPairSync (KeyGenJob's destructor waits on
 * a mutex the export holds). The project's key agreement must never reach it:
 * the helpers run 50,000 times with frequent collections in a child process,
 * which is killed if it stops making progress, and no production module may
 * call generateKeyPair*.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const HARD_TIMEOUT_MS = 120_000;

function runLoop(rounds: number): Promise<{ status: number | null; signal: string | null; out: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--max-semi-space-size=1', '--import', 'tsx', 'test/stress/key-agreement-loop.ts', String(rounds)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), HARD_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, out, ms: Date.now() - started });
    }),
  );
}

function productionSources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('X25519 key agreement cannot deadlock Node', () => {
  it('runs 50,000 rounds under allocation pressure and finishes', async () => {
    const r = await runLoop(50_000);
    expect(r.signal, `killed after ${r.ms} ms: the key agreement hung (deadlock)\n${r.out}`).toBeNull();
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('ok 50000');
  }, HARD_TIMEOUT_MS + 10_000);

  it('no production module generates key pairs with generateKeyPair*', () => {
    const offenders = ['core', 'migrate', 'runtime', 'kms', 'cli', 'controller']
      .flatMap(productionSources)
      .filter((file) => /\bgenerateKeyPair(Sync)?\s*\(/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
