import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { parseRootConfig } from './index.js';

const codeOf = (value: unknown): string => {
  try {
    parseRootConfig(value, 'serve.yaml: root');
    return 'success';
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
};

const KEY = 'projects/p/locations/global/keyRings/r/cryptoKeys/k';

describe('parseRootConfig', () => {
  it('fills in defaults', () => {
    expect(parseRootConfig({ type: 'passphrase' }, 'root')).toEqual({
      type: 'passphrase',
      passphraseEnv: 'GITSEAL_ROOT_PASSPHRASE',
      scrypt: { N: 2 ** 15, r: 8, p: 1 }, // the root's own default: its key is derived again at every check
      checkInterval: 300,
    });
    expect(parseRootConfig({ type: 'pkcs11', module: '/lib/x.so', tokenLabel: 't', keyLabel: 'k' }, 'root')).toEqual({
      type: 'pkcs11',
      module: '/lib/x.so',
      tokenLabel: 't',
      keyLabel: 'k',
      pinEnv: 'GITSEAL_HSM_PIN',
      checkInterval: 300,
    });
    expect(parseRootConfig({ type: 'aws-kms', keyId: 'alias/gitseal', region: 'eu-west-1', checkInterval: 60 }, 'root')).toEqual({
      type: 'aws-kms',
      keyId: 'alias/gitseal',
      region: 'eu-west-1',
      checkInterval: 60,
    });
    expect(parseRootConfig({ type: 'gcp-kms', name: KEY, apiEndpoint: 'http://127.0.0.1:8080' }, 'root')).toEqual({
      type: 'gcp-kms',
      name: KEY,
      apiEndpoint: 'http://127.0.0.1:8080',
      checkInterval: 300,
    });
  });

  it.each([
    ['not a mapping', 'passphrase'],
    ['no type', {}],
    ['unknown type', { type: 'vault' }],
    ['misspelt field', { type: 'passphrase', passphraseEnvv: 'X' }],
    ['a field of another type', { type: 'passphrase', keyId: 'k' }],
    ['passphrase and passphraseEnv', { type: 'passphrase', passphrase: 'p', passphraseEnv: 'X' }],
    ['empty passphrase', { type: 'passphrase', passphrase: '' }],
    ['bad variable name', { type: 'passphrase', passphraseEnv: 'A-B' }],
    ['N not a power of two', { type: 'passphrase', scrypt: { N: 30000 } }],
    ['N too small', { type: 'passphrase', scrypt: { N: 1024 } }],
    ['N too large', { type: 'passphrase', scrypt: { N: 2 ** 24 } }],
    ['r zero', { type: 'passphrase', scrypt: { r: 0 } }],
    ['scrypt needing more than 1 GiB', { type: 'passphrase', scrypt: { N: 2 ** 20, r: 16 } }],
    ['scrypt typo', { type: 'passphrase', scrypt: { n: 16384 } }],
    ['checkInterval zero', { type: 'passphrase', checkInterval: 0 }],
    ['checkInterval text', { type: 'passphrase', checkInterval: '5m' }],
    ['pkcs11 without module', { type: 'pkcs11', tokenLabel: 't', keyLabel: 'k' }],
    ['pkcs11 pinEnv and pinFile', { type: 'pkcs11', module: 'm', tokenLabel: 't', keyLabel: 'k', pinEnv: 'P', pinFile: '/p' }],
    ['aws without keyId', { type: 'aws-kms', region: 'eu-west-1' }],
    ['aws bad region', { type: 'aws-kms', keyId: 'k', region: 'Europe' }],
    ['aws plain http to another host', { type: 'aws-kms', keyId: 'k', region: 'eu-west-1', endpoint: 'http://kms.example.com' }],
    ['aws endpoint with a path', { type: 'aws-kms', keyId: 'k', region: 'eu-west-1', endpoint: 'https://kms.example.com/x' }],
    ['aws endpoint with credentials', { type: 'aws-kms', keyId: 'k', region: 'eu-west-1', endpoint: 'https://a:b@kms.example.com' }],
    ['gcp key version instead of key', { type: 'gcp-kms', name: `${KEY}/cryptoKeyVersions/1` }],
    ['gcp plain http to another host', { type: 'gcp-kms', name: KEY, apiEndpoint: 'http://10.0.0.1:80' }],
    ['gcp ftp endpoint', { type: 'gcp-kms', name: KEY, apiEndpoint: 'ftp://127.0.0.1' }],
  ])('refuses %s with E_CONFIG', (_, value) => {
    expect(codeOf(value)).toBe('E_CONFIG');
  });

  it('accepts https and bare host endpoints', () => {
    expect(codeOf({ type: 'gcp-kms', name: KEY, apiEndpoint: 'eu-cloudkms.googleapis.com' })).toBe('success');
    expect(codeOf({ type: 'gcp-kms', name: KEY, apiEndpoint: 'https://kms.internal:8443' })).toBe('success');
    expect(codeOf({ type: 'aws-kms', keyId: 'k', region: 'us-gov-west-1', endpoint: 'http://localhost:4566' })).toBe('success');
  });

  it('never echoes an inline passphrase', () => {
    try {
      parseRootConfig({ type: 'passphrase', passphrase: 'hunter2-canary', passphraseEnv: 'X' }, 'root');
    } catch (e) {
      expect(String(e)).not.toContain('hunter2-canary');
      return;
    }
    throw new Error('expected a failure');
  });
});
