/**
 * Entry of the single executable (build-binary.mjs). Node compiles its main
 * script whole at every start, and the CLI bundle is megabytes (client-node,
 * the AWS SDK): so the main script is only this, and the CLI (main.ts,
 * bundled) is an embedded file, compiled from the V8 code cache made at
 * build time when a command needs it. `--version` answers without it, as
 * in main.ts.
 */
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { ASSETS, embeddedBytes, embeddedText } from '../runtime/single-executable.js';
import { VERSION } from './version.js';

type CommonJsBody = (exports: object, require: NodeJS.Require, module: { exports: object }) => void;

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') process.stdout.write(`${VERSION}\n`);
else {
  const script = new Script(embeddedText(ASSETS.cli), { filename: ASSETS.cli, cachedData: embeddedBytes(ASSETS.cliCodeCache) });
  const body = script.runInThisContext() as CommonJsBody;
  const module = { exports: {} };
  // Node's own modules only: the bundle holds everything else (build-binary.mjs stubs what it cannot hold).
  body(module.exports, createRequire(process.execPath), module);
}
