/** The PKCS#11 root against a real SoftHSM2 token: pkcs11js, C_Initialize and all. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { makeSoftHsmToken, softHsmAvailable, type SoftHsmToken } from '../../test/helpers/softhsm.js';
import type { RootOfTrust } from './types.js';
import type { Pkcs11RootConfig } from './pkcs11.js';
import { createRootKey, openRoot } from './index.js';

const CONTEXT = 'gitseal/org-key/v1:org-test';
const secret = new Uint8Array(96).map((_, i) => 255 - i);

async function errorOf(p: Promise<unknown>): Promise<{ code: string; text: string }> {
  try {
    await p;
    return { code: 'success', text: '' };
  } catch (e) {
    if (!isGitsealError(e)) throw e;
    return { code: e.code, text: `${e.message}\n${e.stack ?? ''}` };
  }
}

describe.skipIf(!softHsmAvailable)('pkcs11 root (SoftHSM2)', () => {
  let token: SoftHsmToken;
  let open: RootOfTrust[] = [];
  const root = async (config: Partial<Pkcs11RootConfig> = {}, env: NodeJS.ProcessEnv = token.env): Promise<RootOfTrust> => {
    const r = await openRoot({ ...token.config, ...config }, env);
    open.push(r);
    return r;
  };

  beforeAll(async () => {
    token = await makeSoftHsmToken();
  });
  afterEach(async () => {
    for (const r of open) await r.close();
    open = [];
  });
  afterAll(() => token?.cleanup());

  it('kill switch: a deleted token refuses (E_ROOT_REVOKED); put back, the same root recovers', async () => {
    const r = await root();
    const sealed = await r.seal(secret, CONTEXT);
    token.remove();
    try {
      expect((await errorOf(r.unseal(sealed, CONTEXT))).code).toBe('E_ROOT_REVOKED');
      expect((await errorOf(r.seal(secret, CONTEXT))).code).toBe('E_ROOT_REVOKED');
      expect((await errorOf(r.unseal(sealed, CONTEXT))).code).toBe('E_ROOT_REVOKED');
    } finally {
      token.restore();
    }
    expect(await r.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('a root opened while the token is gone works once it is back', async () => {
    const sealed = await (await root()).seal(secret, CONTEXT);
    token.remove();
    let r: RootOfTrust;
    try {
      r = await root();
      expect((await errorOf(r.unseal(sealed, CONTEXT))).code).toBe('E_ROOT_REVOKED');
    } finally {
      token.restore();
    }
    expect(await r.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('a missing key object is E_ROOT_REVOKED; createRootKey makes it once', async () => {
    const config = { keyLabel: 'made-later' };
    const r = await root(config);
    expect((await errorOf(r.seal(secret, CONTEXT))).code).toBe('E_ROOT_REVOKED');
    expect(await createRootKey({ ...token.config, ...config }, token.env)).toBe(true);
    expect(await createRootKey({ ...token.config, ...config }, token.env)).toBe(false);
    expect(await r.unseal(await r.seal(secret, CONTEXT), CONTEXT)).toEqual(secret);
    const other = await root();
    expect((await errorOf(other.unseal(await r.seal(secret, CONTEXT), CONTEXT))).code).toBe('E_ROOT_REVOKED');
  });

  it("one root's failure does not break another root on the same module", async () => {
    const a = await root();
    const b = await root();
    const sealed = await b.seal(secret, CONTEXT);
    expect((await errorOf(a.unseal(sealed, 'another context'))).code).toBe('E_ROOT_REVOKED');
    expect(await b.unseal(sealed, CONTEXT)).toEqual(secret);
    expect(await a.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('finds a token made after the module was initialized, without disturbing open roots', async () => {
    const first = await root();
    const sealed = await first.seal(secret, CONTEXT);
    const made = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', 'second', '--pin', token.pin, '--so-pin', '12345678'], {
      env: { ...process.env, SOFTHSM2_CONF: token.conf },
    });
    expect(made.status).toBe(0);
    expect(await createRootKey({ ...token.config, tokenLabel: 'second' }, token.env)).toBe(true);
    const second = await root({ tokenLabel: 'second' });
    expect(await second.unseal(await second.seal(secret, CONTEXT), CONTEXT)).toEqual(secret);
    expect(await first.unseal(sealed, CONTEXT)).toEqual(secret);
    expect((await errorOf(second.unseal(sealed, CONTEXT))).code).toBe('E_ROOT_REVOKED');
  });

  it('a refused login is E_ROOT_REVOKED and names neither PIN', async () => {
    const canary = 'canary-pin-4f2e9d';
    const r = await root({}, { ...token.env, GITSEAL_HSM_PIN: canary });
    const e = await errorOf(r.seal(secret, CONTEXT));
    expect(e.code).toBe('E_ROOT_REVOKED');
    expect(e.text).toContain('CKR_PIN_INCORRECT');
    expect(e.text).not.toContain(canary);
    expect(e.text).not.toContain(token.pin);
  });

  it('reads the PIN from pinFile', async () => {
    const file = join(token.dir, 'pin');
    writeFileSync(file, `${token.pin}\n`, { mode: 0o600 });
    const r = await root({ pinFile: file }, {});
    expect(await r.unseal(await r.seal(secret, CONTEXT), CONTEXT)).toEqual(secret);
  });

  it('no PIN, an unreadable PIN file or a module that does not load is E_ROOT', async () => {
    expect((await errorOf(root({}, { SOFTHSM2_CONF: token.conf }))).code).toBe('E_ROOT');
    expect((await errorOf(root({ pinFile: join(token.dir, 'no-such-pin') }, {}))).code).toBe('E_ROOT');
    expect((await errorOf(root({ module: join(token.dir, 'no-such-module.so') }))).code).toBe('E_ROOT');
  });

  it('an unknown token label is E_ROOT_REVOKED', async () => {
    const r = await root({ tokenLabel: 'no-such-token' });
    expect((await errorOf(r.seal(secret, CONTEXT))).code).toBe('E_ROOT_REVOKED');
  });
});
