// Builds dist-bin/gitseal: one executable for this platform that needs neither Node nor node_modules (a Node
// single-executable application, https://nodejs.org/api/single-executable-applications.html).
// Options: --node PATH (or GITSEAL_BINARY_NODE) picks the Node binary to copy, default the Node running this
// script; --no-strip keeps its symbols (strip saves 10-12 MB; postject then warns "Can't find string offset", harmlessly);
// --out DIR writes DIR/gitseal instead (tests build their own, not the developer's dist-bin).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inject } from 'postject';
import { sharedOptions } from './build-options.mjs';

const { values: opts } = parseArgs({
  options: {
    node: { type: 'string', default: process.env.GITSEAL_BINARY_NODE || process.execPath },
    'no-strip': { type: 'boolean', default: false },
    out: { type: 'string', default: 'dist-bin' },
  },
});

const OUT = resolve(opts.out);
process.chdir(dirname(fileURLToPath(import.meta.url)));
const WORK = join(OUT, 'build');
const BINARY = join(OUT, 'gitseal');
// The names runtime/single-executable.ts reads them under (ASSETS).
const ASSETS = { cli: 'gitseal.cjs', cliCodeCache: 'gitseal.cjs.code-cache', unwrapWorker: 'unwrap-worker.cjs' };

// pkcs11js is a native addon, which a SEA cannot load from inside itself, and the Google Cloud SDK reads its
// protobuf descriptors from its own folder at run time: in the binary they are missing packages, which
// runtime/optional-package.ts reports. The other three are optional speed-ups that their users try to load.
const NOT_IN_BINARY = ['pkcs11js', '@google-cloud/kms', '@aws-sdk/signature-v4-crt', 'bufferutil', 'utf-8-validate'];
// The AWS SDK goes in (about 0.5 MB) when it is installed; after `npm ci --omit=optional` the binary lacks it too.
try {
  createRequire(import.meta.url).resolve('@aws-sdk/client-kms');
} catch {
  console.warn('@aws-sdk/client-kms is not installed: the binary will not contain it');
  NOT_IN_BINARY.push('@aws-sdk/client-kms');
}
const missingPackages = {
  name: 'not-in-binary',
  setup(b) {
    const filter = new RegExp(`^(${NOT_IN_BINARY.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'not-in-binary' }));
    b.onLoad({ filter: /.*/, namespace: 'not-in-binary' }, (args) => ({
      // module.exports marks the stub CommonJS, so esbuild does not warn about the names imported from it.
      contents: `module.exports = {}; throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}'`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

rmSync(WORK, { recursive: true, force: true });
rmSync(BINARY, { force: true });
mkdirSync(WORK, { recursive: true });

// A SEA runs one CommonJS script whose `require` loads only Node's own modules: everything else is bundled,
// and import() becomes require(). import.meta.url (the liboqs loader's createRequire) is the executable's URL.
const cjs = {
  ...sharedOptions,
  format: 'cjs',
  supported: { 'dynamic-import': false },
  define: { ...sharedOptions.define, 'import.meta.url': '__gitsealModuleUrl' },
  banner: { js: "var __gitsealModuleUrl = require('node:url').pathToFileURL(process.execPath).href;" },
  plugins: [missingPackages],
};
await build({ ...cjs, entryPoints: ['cli/binary-main.ts'], outfile: join(WORK, 'main.cjs') });
await build({ ...cjs, entryPoints: ['cli/main.ts'], outfile: join(WORK, 'cli.cjs') });
await build({ ...cjs, entryPoints: ['kms/service/unwrap-worker.ts'], outfile: join(WORK, ASSETS.unwrapWorker) });
writeFileSync(join(WORK, ASSETS.cli), `(function (exports, require, module) {${readFileSync(join(WORK, 'cli.cjs'), 'utf8')}\n})`);

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status})`);
};

// V8 takes a code cache only from its own version: the Node that goes into the binary makes it.
const makeCache = `const { Script } = require('node:vm'); const fs = require('node:fs');
const [source, filename, out] = process.argv.slice(1);
fs.writeFileSync(out, new Script(fs.readFileSync(source, 'utf8'), { filename }).createCachedData());`;
run(opts.node, ['-e', makeCache, join(WORK, ASSETS.cli), ASSETS.cli, join(WORK, ASSETS.cliCodeCache)]);

const config = join(WORK, 'sea-config.json');
const blob = join(WORK, 'sea-prep.blob');
writeFileSync(
  config,
  JSON.stringify({
    main: join(WORK, 'main.cjs'),
    output: blob,
    disableExperimentalSEAWarning: true,
    assets: Object.fromEntries(Object.values(ASSETS).map((name) => [name, join(WORK, name)])),
  }),
);
run(opts.node, ['--experimental-sea-config', config]);

const staged = join(WORK, 'gitseal');
copyFileSync(opts.node, staged);
chmodSync(staged, 0o755);
if (!opts['no-strip']) {
  const stripped = spawnSync('strip', [staged], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (stripped.error || stripped.status !== 0) console.warn(`strip failed (${stripped.error?.message ?? stripped.status}): the binary keeps its symbols (binutils has strip)`);
}
await inject(staged, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
renameSync(staged, BINARY);
rmSync(WORK, { recursive: true, force: true });
const hostVersion = spawnSync(opts.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`${join(opts.out, 'gitseal')}: gitseal for ${process.platform}-${process.arch}, Node ${hostVersion}`);
