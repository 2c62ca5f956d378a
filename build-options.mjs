// esbuild options shared by the npm bundle (build.mjs) and the single executable (build-binary.mjs).
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** The optional dependencies (runtime/optional-package.ts): a native addon and the two KMS SDKs. */
export const OPTIONAL_PACKAGES = ['pkcs11js', '@google-cloud/kms', '@aws-sdk/client-kms'];

export const sharedOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: { GITSEAL_VERSION: JSON.stringify(version) },
  // yargs measures its help text with string-width, whose emoji regex costs ~30 ms at every start.
  alias: { 'string-width': './cli/string-width-lite.ts' },
  logLevel: 'warning',
};
