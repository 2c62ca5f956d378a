/** The AWS KMS root against the double: the real SDK, signed requests, on loopback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { startAwsKmsDouble, type AwsKmsDouble } from '../../test/doubles/aws-kms-double.js';
import type { RootOfTrust } from './types.js';
import { hasOptional } from '../../test/helpers/optional.js';
import type { AwsKmsRootConfig } from './aws-kms.js';

const CONTEXT = 'gitseal/org-key/v1:org-test';
const secret = new Uint8Array(96).fill(0x42);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'success';
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
}

// The SDK is an optional package: the module is imported only where it is installed.
describe.runIf(hasOptional('@aws-sdk/client-kms'))('aws-kms root', () => {
  let openAwsKmsRoot: typeof import('./aws-kms-client.js').openAwsKmsRoot;
  let kms: AwsKmsDouble;
  const roots: RootOfTrust[] = [];
  const open = async (keyId: string, endpoint = kms.endpoint): Promise<RootOfTrust> => {
    const config: AwsKmsRootConfig = { type: 'aws-kms', keyId, region: kms.region, endpoint, checkInterval: 300 };
    const root = await openAwsKmsRoot(config, kms.env);
    roots.push(root);
    return root;
  };

  beforeAll(async () => {
    ({ openAwsKmsRoot } = await import('./aws-kms-client.js'));
    kms = await startAwsKmsDouble();
  });
  afterAll(async () => {
    for (const r of roots) await r.close();
    await kms.close();
  });

  it('kill switch: a disabled key refuses (E_ROOT_REVOKED), re-enabled it works again', async () => {
    const keyId = kms.createKey();
    const root = await open(keyId);
    const sealed = await root.seal(secret, CONTEXT);
    kms.disableKey(keyId);
    expect(await codeOf(root.unseal(sealed, CONTEXT))).toBe('E_ROOT_REVOKED');
    expect(await codeOf(root.seal(secret, CONTEXT))).toBe('E_ROOT_REVOKED');
    kms.enableKey(keyId);
    expect(await root.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('a key pending deletion refuses until the deletion is cancelled and the key enabled', async () => {
    const keyId = kms.createKey();
    const root = await open(keyId);
    const sealed = await root.seal(secret, CONTEXT);
    kms.scheduleDeletion(keyId);
    expect(await codeOf(root.unseal(sealed, CONTEXT))).toBe('E_ROOT_REVOKED');
    kms.cancelDeletion(keyId);
    expect(await codeOf(root.unseal(sealed, CONTEXT))).toBe('E_ROOT_REVOKED');
    kms.enableKey(keyId);
    expect(await root.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('an unknown key or a blob sealed under another key is refused', async () => {
    const a = await open(kms.createKey());
    const b = await open(kms.createKey());
    expect(await codeOf(b.unseal(await a.seal(secret, CONTEXT), CONTEXT))).toBe('E_ROOT_REVOKED');
    expect(await codeOf((await open('0b0c0d0e-0000-4000-8000-000000000000')).seal(secret, CONTEXT))).toBe('E_ROOT_REVOKED');
  });

  it('sends the context as the encryption context and the key id on decrypt', async () => {
    const keyId = kms.createKey();
    const root = await open(keyId.slice(keyId.lastIndexOf('/') + 1));
    expect(await root.unseal(await root.seal(secret, CONTEXT), CONTEXT)).toEqual(secret);
  });

  it('an outage is E_ROOT after the SDK retried, and the key works once KMS is back', async () => {
    const root = await open(kms.createKey());
    const sealed = await root.seal(secret, CONTEXT);
    const before = kms.calls.length;
    kms.setOutage(true);
    try {
      expect(await codeOf(root.unseal(sealed, CONTEXT))).toBe('E_ROOT');
    } finally {
      kms.setOutage(false);
    }
    expect(kms.calls.length - before).toBe(3);
    expect(await root.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('an unreachable endpoint is E_ROOT, without the credentials in the message', async () => {
    const other = await startAwsKmsDouble();
    const endpoint = other.endpoint;
    await other.close();
    const root = await open(kms.createKey(), endpoint);
    const e = await root.seal(secret, CONTEXT).catch((x: unknown) => x);
    expect(isGitsealError(e, 'E_ROOT')).toBe(true);
    expect(String(e)).not.toContain(kms.env.AWS_SECRET_ACCESS_KEY);
  });

  it('the double refuses unsigned requests like KMS', async () => {
    const res = await fetch(kms.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeKey' },
      body: JSON.stringify({ KeyId: kms.createKey() }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });
});
