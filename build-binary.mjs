// Builds dist-bin/gitseal: one executable for this platform that needs neither Node nor node_modules (a Node
// single-executable application). Options: --node PATH (or GITSEAL_BINARY_NODE) picks the Node binary to
// copy, default the Node running this script; --no-strip keeps its symbols; --code-cache embeds V8's code cache.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inject } from 'postject';
import { sharedOptions } from './build-options.mjs';

const { values: opts } = parseArgs({
  options: {
    node: { type: 'string', default: process.env.GITSEAL_BINARY_NODE || process.execPath },
    'no-strip': { type: 'boolean', default: false },
    'code-cache': { type: 'boolean', default: false },
  },
});

process.chdir(dirname(fileURLToPath(import.meta.url)));
const OUT = 'dist-bin';
const WORK = join(OUT, 'build');
const BINARY = join(OUT, 'gitseal');
// The name runtime/single-executable.ts reads the worker under (UNWRAP_WORKER_ASSET).
const WORKER_ASSET = 'unwrap-worker.cjs';

rmSync(OUT, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

// A SEA runs one CommonJS script whose `require` loads only Node's own modules: everything else is bundled.
// import.meta.url (the liboqs loader's createRequire) becomes the executable's URL.
const cjs = {
  ...sharedOptions,
  format: 'cjs',
  define: { ...sharedOptions.define, 'import.meta.url': '__gitsealModuleUrl' },
  banner: { js: "var __gitsealModuleUrl = require('node:url').pathToFileURL(process.execPath).href;" },
  // pkcs11js is a native addon, which a SEA cannot load from inside itself; runtime/optional-package.ts explains.
  // The Google Cloud SDK reads its protobuf descriptors from its own folder at run time, so it cannot be bundled either.
  external: ['pkcs11js', '@google-cloud/kms'],
};
await build({ ...cjs, entryPoints: ['cli/main.ts'], outfile: join(WORK, 'gitseal.cjs') });
await build({ ...cjs, entryPoints: ['kms/service/unwrap-worker.ts'], outfile: join(WORK, WORKER_ASSET) });

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status})`);
};

const blob = join(WORK, 'sea-prep.blob');
const config = join(WORK, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify({
    main: join(WORK, 'gitseal.cjs'),
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: opts['code-cache'],
    assets: { [WORKER_ASSET]: join(WORK, WORKER_ASSET) },
  }),
);
// The blob must come from the very Node it goes into.
run(opts.node, ['--experimental-sea-config', config]);

const staged = join(WORK, 'gitseal');
copyFileSync(opts.node, staged);
chmodSync(staged, 0o755);
if (!opts['no-strip']) run('strip', [staged]);
await inject(staged, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
renameSync(staged, BINARY);
rmSync(WORK, { recursive: true, force: true });
const hostVersion = spawnSync(opts.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`${BINARY}: gitseal for ${process.platform}-${process.arch}, Node ${hostVersion}`);
