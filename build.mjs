// Bundles the CLI into one file so `gitseal` starts without resolving hundreds of modules.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

process.chdir(dirname(fileURLToPath(import.meta.url)));

rmSync('dist', { recursive: true, force: true });

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

await build({
  // The rewrap service's unwrap workers run in their own threads from their own entry (kms/service/unwrap-pool.ts finds it).
  entryPoints: { gitseal: 'cli/main.ts', 'unwrap-worker': 'kms/service/unwrap-worker.ts' },
  // The native addon and the KMS SDKs (optional dependencies) load from node_modules. client-node is bundled:
  // only what gitseal uses of it is loaded, about 60 MB less resident memory than importing the package whole.
  external: ['pkcs11js', '@google-cloud/kms', '@aws-sdk/client-kms'],
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Each command is its own chunk, loaded only when it runs.
  splitting: true,
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: { GITSEAL_VERSION: JSON.stringify(version) },
  // yargs measures its help text with string-width, whose emoji regex costs ~30 ms at every start.
  alias: { 'string-width': './cli/string-width-lite.ts' },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __gitsealRequire } from 'node:module';\nconst require = __gitsealRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/gitseal.mjs', 0o755);
