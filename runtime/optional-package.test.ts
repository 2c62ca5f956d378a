import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../core/errors.js';
import { hasOptional } from '../test/helpers/optional.js';
import { loadOptional } from './optional-package.js';
import { openRoot, type RootConfig } from '../kms/roots/index.js';

const failing = (code: string, message: string) => () => Promise.reject(Object.assign(new Error(message), { code }));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'success';
  } catch (e) {
    return isGitsealError(e) ? `${e.code}: ${e.message}` : `not a GitsealError: ${String(e)}`;
  }
}

describe('loadOptional', () => {
  it('returns what the import gives when the package is there', async () => {
    expect(await loadOptional('pkcs11js', () => Promise.resolve(42))).toBe(42);
  });

  it('turns a missing package into E_MISSING_FEATURE naming the feature and the install command', async () => {
    const r = await codeOf(loadOptional('@aws-sdk/client-kms', failing('ERR_MODULE_NOT_FOUND', "Cannot find package '@aws-sdk/client-kms' imported from /x.mjs")));
    expect(r).toMatch(/^E_MISSING_FEATURE: AWS KMS .*"npm install @aws-sdk\/client-kms"/);
  });

  it('treats a pkcs11js addon that was not built, or was built for another Node, as missing, and says it needs a compiler', async () => {
    for (const [code, message] of [
      ['MODULE_NOT_FOUND', "Cannot find module '../build/Release/pkcs11.node'"],
      ['ERR_DLOPEN_FAILED', 'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115'],
    ] as const) {
      const r = await codeOf(loadOptional('pkcs11js', failing(code, message)));
      expect(r).toMatch(/^E_MISSING_FEATURE: The PKCS#11 \(HSM\) root .*npm install pkcs11js.*C\+\+ compiler/);
    }
  });

  it('lets other failures through: a missing package that is not this one, or an error inside the module', async () => {
    expect(await codeOf(loadOptional('@google-cloud/kms', failing('ERR_MODULE_NOT_FOUND', "Cannot find package 'google-gax'")))).toMatch(/^not a GitsealError/);
    expect(await codeOf(loadOptional('@google-cloud/kms', failing('ERR_DLOPEN_FAILED', 'x')))).toMatch(/^not a GitsealError/);
    expect(await codeOf(loadOptional('pkcs11js', () => Promise.reject(new TypeError('boom'))))).toMatch(/^not a GitsealError: TypeError: boom/);
  });
});

// These run in an install without the optional packages (.ci/run's `npm ci --omit=optional` pass).
describe('roots whose optional package is not installed', () => {
  const roots: [Parameters<typeof hasOptional>[0], RootConfig][] = [
    ['pkcs11js', { type: 'pkcs11', module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 't', keyLabel: 'k', pinEnv: 'PIN', checkInterval: 300 }],
    ['@aws-sdk/client-kms', { type: 'aws-kms', keyId: 'arn:aws:kms:eu-west-1:1:key/x', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', checkInterval: 300 }],
    ['@google-cloud/kms', { type: 'gcp-kms', name: 'projects/p/locations/l/keyRings/r/cryptoKeys/k', apiEndpoint: 'http://127.0.0.1:9', checkInterval: 300 }],
  ];
  for (const [name, config] of roots) {
    it.runIf(!hasOptional(name))(`${config.type}: E_MISSING_FEATURE with "npm install ${name}"`, async () => {
      const r = await codeOf(openRoot(config, { PIN: '1234' }));
      expect(r).toMatch(/^E_MISSING_FEATURE: /);
      expect(r).toContain(`npm install ${name}`);
    });
  }
});
