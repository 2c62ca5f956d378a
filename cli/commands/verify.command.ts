import type { Argv } from 'yargs';
import { defineCommand, type OptionsOf } from '../command.js';
import { withKey } from '../shared-options.js';

const builder = (y: Argv) =>
  withKey(y)
    .positional('files', { type: 'string', array: true, describe: 'encrypted files; with --all, paths that limit the walk' })
    .option('all', { alias: 'repo', type: 'boolean', describe: 'every tracked file of the git repository: files a creation rule matches must be encrypted' })
    .option('base', {
      type: 'string',
      describe: 'compare .gitseal.yaml with this commit (default HEAD in a git repository): new writers or requireSignatures turned off fail',
    })
    .option('review', {
      type: 'boolean',
      describe: 'with --all and --base: creation rules, recipients and writers come from .gitseal.yaml at the base, and any plaintext kind: Secret fails',
    })
    .option('json', { type: 'boolean', describe: 'machine-readable report' })
    .option('without-key', { type: 'boolean', describe: 'check structure only; do not load a key' });

export type VerifyOptions = OptionsOf<typeof builder>;

export const verifyCommand = defineCommand({
  command: 'verify [files..]',
  describe: 'check structure, scope, recipients and writers; the MAC too when a key is at hand',
  builder,
  load: () => import('./verify.js'),
});
