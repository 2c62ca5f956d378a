// Bundles the CLI into one file so `gitseal` starts without resolving hundreds of modules.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPTIONAL_PACKAGES, sharedOptions } from './build-options.mjs';

process.chdir(dirname(fileURLToPath(import.meta.url)));

rmSync('dist', { recursive: true, force: true });

await build({
  ...sharedOptions,
  // The rewrap service's unwrap workers run in their own threads from their own entry (kms/service/unwrap-pool.ts finds it).
  entryPoints: { gitseal: 'cli/main.ts', 'unwrap-worker': 'kms/service/unwrap-worker.ts' },
  // The native addon and the KMS SDKs (optional dependencies) load from node_modules. client-node is bundled:
  // only what gitseal uses of it is loaded, about 60 MB less resident memory than importing the package whole.
  external: OPTIONAL_PACKAGES,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  // Each command is its own chunk, loaded only when it runs.
  splitting: true,
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __gitsealRequire } from 'node:module';\nconst require = __gitsealRequire(import.meta.url);",
  },
});
chmodSync('dist/gitseal.mjs', 0o755);
