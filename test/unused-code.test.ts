/**
 * No unused files, exports, types or dependencies (knip, configured in
 * knip.json): dead code is deleted, not left for the next reader. The
 * second test shows the check fails on a new unused export.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const KNIP = join(ROOT, 'node_modules', 'knip', 'bin', 'knip.js');
const knip = (cwd: string) => spawnSync(process.execPath, [KNIP, '--no-progress', '--no-config-hints'], { cwd, encoding: 'utf8', timeout: 90_000 });

describe('unused code', () => {
  it('knip finds no unused file, export, type or dependency', () => {
    const r = knip(ROOT);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a new unused export fails the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitseal-knip-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', type: 'module', private: true }));
      writeFileSync(join(dir, 'knip.json'), JSON.stringify({ entry: ['src/main.ts'], project: ['src/**/*.ts'] }));
      writeFileSync(join(dir, 'src/main.ts'), "import { used } from './lib.js';\nconsole.log(used);\n");
      writeFileSync(join(dir, 'src/lib.ts'), 'export const used = 1;\nexport const forgotten = 2;\n');
      const r = knip(dir);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toContain('forgotten');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
