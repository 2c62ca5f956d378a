// The image's bundle: build.mjs's, with the KMS SDKs bundled in too, so the image carries no
// node_modules but pkcs11js (a native addon). Usage: node image/bundle.mjs OUTDIR
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedOptions } from '../build-options.mjs';

const outdir = resolve(process.argv[2] ?? '');
if (!process.argv[2]) throw new Error('usage: node image/bundle.mjs OUTDIR');
process.chdir(join(dirname(fileURLToPath(import.meta.url)), '..'));

await build({
  ...sharedOptions,
  entryPoints: { gitseal: 'cli/main.ts', 'unwrap-worker': 'kms/service/unwrap-worker.ts' },
  external: ['pkcs11js'],
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  splitting: true,
  banner: {
    // google-gax computes proto paths from __dirname when it loads; with the REST transport gitseal uses they are never read.
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __gitsealRequire } from 'node:module';",
      "import { dirname as __gitsealDirname } from 'node:path';",
      "import { fileURLToPath as __gitsealPath } from 'node:url';",
      'const require = __gitsealRequire(import.meta.url);',
      'const __filename = __gitsealPath(import.meta.url);',
      'const __dirname = __gitsealDirname(__filename);',
    ].join('\n'),
  },
});
chmodSync(join(outdir, 'gitseal.mjs'), 0o755);
