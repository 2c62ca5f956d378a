/**
 * The import rules of docs/ARCHITECTURE.md (.dependency-cruiser.cjs): the
 * tree keeps them, and each rule catches what it is for, shown on a small
 * tree that breaks them all.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

async function violations(cwd: string, dirs: string[]): Promise<string[]> {
  const here = process.cwd();
  process.chdir(cwd); // the rules' paths are relative to the project root
  try {
    const out = await cruise(dirs, { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } } as never);
    const result = out.output as ICruiseResult;
    return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
  } finally {
    process.chdir(here);
  }
}

describe('import rules', () => {
  it('the tree keeps every rule', async () => {
    expect(await violations(ROOT, ['core', 'migrate', 'runtime', 'kms', 'controller', 'cli', 'test', 'bench'])).toEqual([]);
  });

  it('each rule catches what it is for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitseal-rules-'));
    try {
      const files: Record<string, string> = {
        'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
        'cli/main.ts': "export const main = 1;\n",
        'core/bytes.ts': "import { main } from '../cli/main.js';\nexport const b = main;\n",
        'core/crypto/aead.ts': "import { f } from '../format/doc.js';\nexport const a = f;\n",
        'core/format/doc.ts': "import { r } from '../review/diff.js';\nexport const f = r;\n",
        'core/review/diff.ts': "export const r = 1;\n",
        'core/format/p.ts': "import { q } from './q.js';\nexport const p = q;\n",
        'core/format/q.ts': "import { p } from './p.js';\nexport const q = () => p;\n",
        'controller/reconciler.ts': "import { s } from '../kms/service/keyring.js';\nimport { c } from '../kms/client/client.js';\nexport const x = [s, c];\n",
        'kms/service/keyring.ts': "export const s = 1;\n",
        'kms/client/client.ts': "import { s } from '../service/keyring.js';\nexport const c = s;\n",
        'runtime/log.ts': "import { c } from '../kms/client/client.js';\nexport const l = c;\n",
        'migrate/sops/index.ts': "import { h } from '../../test/helpers/cli.js';\nexport const m = h;\n",
        'test/helpers/cli.ts': "export const h = 1;\n",
        // Allowed: a command's definition lazy-loads its code, which names the definition's options type.
        'cli/commands/x.command.ts': "export type XOptions = { a: number };\nexport const load = () => import('./x.js');\n",
        'cli/commands/x.ts': "import type { XOptions } from './x.command.js';\nexport const run = (o: XOptions) => o.a;\n",
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      expect(await violations(dir, ['core', 'migrate', 'runtime', 'kms', 'controller', 'cli', 'test'])).toEqual([
        'client-not-service: kms/client/client.ts -> kms/service/keyring.ts',
        'controller-imports: controller/reconciler.ts -> kms/service/keyring.ts',
        'core-imports-only-core: core/bytes.ts -> cli/main.ts',
        'core-layers: core/crypto/aead.ts -> core/format/doc.ts',
        'format-not-review: core/format/doc.ts -> core/review/diff.ts',
        'no-cycles: core/format/p.ts -> core/format/q.ts',
        'nothing-imports-cli: core/bytes.ts -> cli/main.ts',
        'production-not-tests: migrate/sops/index.ts -> test/helpers/cli.ts',
        'runtime-is-a-leaf: runtime/log.ts -> kms/client/client.ts',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
