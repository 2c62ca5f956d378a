// Bundles the CLI into one file so `gitseal` starts without resolving hundreds of modules.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/gitseal.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: false,
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  define: { GITSEAL_VERSION: JSON.stringify(version) },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __gitsealRequire } from 'node:module';\nconst require = __gitsealRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
