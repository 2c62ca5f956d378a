/** The Cloud KMS root against the double: the real client in REST mode, plain http on loopback, no Google auth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { startGcpKmsDouble, type GcpKmsDouble } from '../../test/doubles/gcp-kms-double.js';
import type { RootOfTrust } from './types.js';
import type { GcpKmsRootConfig } from './gcp-kms.js';
import { hasOptional } from '../../test/helpers/optional.js';

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
describe.runIf(hasOptional('@google-cloud/kms'))('gcp-kms root', () => {
  let openGcpKmsRoot: typeof import('./gcp-kms-client.js').openGcpKmsRoot;
  let kms: GcpKmsDouble;
  const roots: RootOfTrust[] = [];
  const open = async (name: string, apiEndpoint = kms.apiEndpoint): Promise<RootOfTrust> => {
    const config: GcpKmsRootConfig = { type: 'gcp-kms', name, apiEndpoint, checkInterval: 300 };
    // No Google credentials anywhere: the root must not look for any.
    const root = await openGcpKmsRoot(config, { GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/creds.json' });
    roots.push(root);
    return root;
  };

  beforeAll(async () => {
    ({ openGcpKmsRoot } = await import('./gcp-kms-client.js'));
    kms = await startGcpKmsDouble();
  });
  afterAll(async () => {
    for (const r of roots) await r.close();
    await kms.close();
  });

  it('kill switch: a disabled key version refuses (E_ROOT_REVOKED), re-enabled it works again', async () => {
    const name = kms.createKey();
    const root = await open(name);
    const sealed = await root.seal(secret, CONTEXT);
    kms.disableKey(name);
    expect(await codeOf(root.unseal(sealed, CONTEXT))).toBe('E_ROOT_REVOKED');
    expect(await codeOf(root.seal(secret, CONTEXT))).toBe('E_ROOT_REVOKED');
    kms.enableKey(name);
    expect(await root.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('a destroyed key version refuses until restored and enabled', async () => {
    const name = kms.createKey();
    const root = await open(name);
    const sealed = await root.seal(secret, CONTEXT);
    kms.destroyKey(name);
    expect(await codeOf(root.unseal(sealed, CONTEXT))).toBe('E_ROOT_REVOKED');
    kms.restoreKey(name);
    expect(await codeOf(root.unseal(sealed, CONTEXT))).toBe('E_ROOT_REVOKED');
    kms.enableKey(name);
    expect(await root.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('an unknown key or a blob sealed under another key is refused', async () => {
    const a = await open(kms.createKey());
    const b = await open(kms.createKey());
    expect(await codeOf(b.unseal(await a.seal(secret, CONTEXT), CONTEXT))).toBe('E_ROOT_REVOKED');
    expect(await codeOf((await open('projects/p/locations/l/keyRings/r/cryptoKeys/missing')).seal(secret, CONTEXT))).toBe('E_ROOT_REVOKED');
  });

  it('sends no credentials over plain http', async () => {
    const root = await open(kms.createKey());
    await root.seal(secret, CONTEXT);
    expect(kms.authorizations.length).toBeGreaterThan(0);
    expect(kms.authorizations.every((a) => a === undefined)).toBe(true);
  });

  it('an outage is E_ROOT, and the key works once KMS is back', async () => {
    const root = await open(kms.createKey());
    const sealed = await root.seal(secret, CONTEXT);
    kms.setOutage(true);
    try {
      expect(await codeOf(root.unseal(sealed, CONTEXT))).toBe('E_ROOT');
    } finally {
      kms.setOutage(false);
    }
    expect(await root.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('an unreachable endpoint is E_ROOT', async () => {
    const other = await startGcpKmsDouble();
    const endpoint = other.apiEndpoint;
    await other.close();
    expect(await codeOf((await open(kms.createKey(), endpoint)).seal(secret, CONTEXT))).toBe('E_ROOT');
  });

  it('the double answers errors in Google JSON', async () => {
    const res = await fetch(`${kms.apiEndpoint}/v1/projects/p/locations/l/keyRings/r/cryptoKeys/none:encrypt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plaintext: 'aGk=' }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
  });
});
