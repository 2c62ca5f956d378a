import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { identityFromSecret } from '../../core/crypto/recipients/index.js';
import { decodeOrgKeys, sealContext } from '../service/org-key-file.js';
import { parseRootConfig } from './index.js';
import { openPassphraseRoot, type PassphraseRootConfig } from './passphrase.js';

const CONTEXT = 'gitseal/org-key/v1:org-test';
const LIGHT = { N: 2 ** 14, r: 8, p: 1 };
/** Light scrypt unless the test says otherwise: the default costs 128 MiB and a third of a second per seal or unseal. */
const config = (extra: Record<string, unknown> = {}): PassphraseRootConfig =>
  parseRootConfig({ type: 'passphrase', scrypt: LIGHT, ...extra }, 'root') as PassphraseRootConfig;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'success';
  } catch (e) {
    return isGitsealError(e) ? e.code : `not a GitsealError: ${String(e)}`;
  }
}

describe('passphrase root', () => {
  const secret = new Uint8Array(96).map((_, i) => i);

  it('tells a wrong passphrase (E_PASSPHRASE) from a wrong context (E_TAMPERED)', async () => {
    const right = await openPassphraseRoot(config(), { GITSEAL_ROOT_PASSPHRASE: 'right horse' });
    const wrong = await openPassphraseRoot(config(), { GITSEAL_ROOT_PASSPHRASE: 'wrong horse' });
    const sealed = await right.seal(secret, CONTEXT);
    expect(await codeOf(wrong.unseal(sealed, CONTEXT))).toBe('E_PASSPHRASE');
    expect(await codeOf(right.unseal(sealed, 'gitseal/org-key/v1:org-other'))).toBe('E_TAMPERED');
    expect(await right.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('needs a passphrase: E_ROOT naming the variable to set', async () => {
    const e = await openPassphraseRoot(config(), {}).catch((x: unknown) => x);
    expect(isGitsealError(e, 'E_ROOT')).toBe(true);
    expect(String(e)).toContain('GITSEAL_ROOT_PASSPHRASE');
    expect(await codeOf(openPassphraseRoot(config({ passphraseEnv: 'MY_PASS' }), { GITSEAL_ROOT_PASSPHRASE: 'x' }))).toBe('E_ROOT');
  });

  it('takes an inline passphrase or another variable', async () => {
    const inline = await openPassphraseRoot(config({ passphrase: 'inline horse' }), {});
    const fromEnv = await openPassphraseRoot(config({ passphraseEnv: 'MY_PASS' }), { MY_PASS: 'inline horse' });
    expect(await fromEnv.unseal(await inline.seal(secret, CONTEXT), CONTEXT)).toEqual(secret);
  });

  it('unseals with the scrypt parameters in the blob, not those configured', async () => {
    const env = { GITSEAL_ROOT_PASSPHRASE: 'horse' };
    const light = await openPassphraseRoot(config(), env);
    const sealed = await light.seal(secret, CONTEXT);
    expect(sealed[2]).toBe(14);
    const standard = await openPassphraseRoot(config({ scrypt: undefined }), env);
    expect(standard.description).toBe('passphrase (scrypt N=2^15)');
    expect(await standard.unseal(sealed, CONTEXT)).toEqual(secret);
  });

  it('refuses scrypt parameters beyond the passphrase box bound in a blob before running scrypt', async () => {
    const root = await openPassphraseRoot(config(), { GITSEAL_ROOT_PASSPHRASE: 'horse' });
    const sealed = await root.seal(secret, CONTEXT);
    for (const [i, v] of [
      [2, 30],
      [2, 0],
      [2, 21],
      [3, 0],
      [4, 0],
      [4, 200],
    ] as const) {
      const bad = sealed.slice();
      bad[i] = v;
      expect(await codeOf(root.unseal(bad, CONTEXT))).toBe('E_KEYSTORE');
    }
  });

  it('forgets the passphrase on close', async () => {
    const root = await openPassphraseRoot(config(), { GITSEAL_ROOT_PASSPHRASE: 'horse' });
    await root.close();
    expect(await codeOf(root.seal(secret, CONTEXT))).toBe('E_ROOT');
    await root.close();
  });
});

describe('org key files sealed by the passphrase root before the shared passphrase box', () => {
  const file = 'test/vectors/passphrase-box/org-keys-passphrase-root.yaml';
  const records = decodeOrgKeys(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'), file);
  const passphrase = 'root horse cafe\u0301';

  it('open with the passphrase as it was given, not normalized', async () => {
    const root = await openPassphraseRoot(config(), { GITSEAL_ROOT_PASSPHRASE: passphrase });
    expect(records.map((r) => r.kid)).toEqual(['org-cce8926287fd7159', 'org-52f065ff513370ad']);
    for (const r of records) {
      const secret = await root.unseal(r.sealed!, sealContext(r.kid));
      expect(identityFromSecret(r.alg, secret).kid).toBe(r.kid);
    }
  });

  it('refuse another passphrase (E_PASSPHRASE) and another key id (E_TAMPERED)', async () => {
    const [first, second] = records;
    const wrong = await openPassphraseRoot(config(), { GITSEAL_ROOT_PASSPHRASE: passphrase.normalize('NFC') });
    expect(await codeOf(wrong.unseal(first!.sealed!, sealContext(first!.kid)))).toBe('E_PASSPHRASE');
    const right = await openPassphraseRoot(config(), { GITSEAL_ROOT_PASSPHRASE: passphrase });
    expect(await codeOf(right.unseal(first!.sealed!, sealContext(second!.kid)))).toBe('E_TAMPERED');
  });
});
