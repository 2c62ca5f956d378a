/**
 * The RootOfTrust contract, run against every root through `openRoot`:
 * the passphrase root, SoftHSM2, and the AWS and GCP doubles on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGitsealError, type GitsealError } from '../../core/errors.js';
import { startAwsKmsDouble } from '../../test/doubles/aws-kms-double.js';
import { startGcpKmsDouble } from '../../test/doubles/gcp-kms-double.js';
import { hasOptional } from '../../test/helpers/optional.js';
import { makeSoftHsmToken, softHsmAvailable } from '../../test/helpers/softhsm.js';
import type { RootOfTrust } from './types.js';
import { openRoot, parseRootConfig, type RootConfig } from './index.js';

interface Fixture {
  config: RootConfig;
  env: NodeJS.ProcessEnv;
  /** Secrets that must never show in an error or description. */
  secrets: string[];
  stop(): Promise<void>;
}

const CANARY = 'CANARY-org-key-7d1f3a';
const CONTEXT = 'gitseal/org-key/v1:org-test';

/** A 96-byte secret that starts with the canary, inside a larger buffer (a view, as callers pass). */
function secret(): { all: Uint8Array; view: Uint8Array } {
  const all = new Uint8Array(128).fill(0xee);
  const view = all.subarray(16, 112);
  view.fill(0x5a);
  view.set(new TextEncoder().encode(CANARY));
  return { all, view };
}

const fixtures: { kind: string; available: boolean; make(): Promise<Fixture>; wrongContext: GitsealError['code'] }[] = [
  {
    kind: 'passphrase',
    available: true,
    wrongContext: 'E_TAMPERED',
    async make() {
      const passphrase = 'canary passphrase 91c2';
      return {
        config: parseRootConfig({ type: 'passphrase', scrypt: { N: 2 ** 14 } }, 'root'),
        env: { GITSEAL_ROOT_PASSPHRASE: passphrase },
        secrets: [passphrase],
        stop: async () => {},
      };
    },
  },
  {
    kind: 'pkcs11',
    available: softHsmAvailable,
    wrongContext: 'E_ROOT_REVOKED',
    async make() {
      const token = await makeSoftHsmToken();
      return { config: token.config, env: token.env, secrets: [token.pin], stop: async () => token.cleanup() };
    },
  },
  {
    kind: 'aws-kms',
    available: hasOptional('@aws-sdk/client-kms'),
    wrongContext: 'E_ROOT_REVOKED',
    async make() {
      const kms = await startAwsKmsDouble();
      const config = parseRootConfig({ type: 'aws-kms', keyId: kms.createKey(), region: kms.region, endpoint: kms.endpoint }, 'root');
      return { config, env: kms.env, secrets: [kms.env.AWS_SECRET_ACCESS_KEY!], stop: () => kms.close() };
    },
  },
  {
    kind: 'gcp-kms',
    available: hasOptional('@google-cloud/kms'),
    wrongContext: 'E_ROOT_REVOKED',
    async make() {
      const kms = await startGcpKmsDouble();
      const config = parseRootConfig({ type: 'gcp-kms', name: kms.createKey(), apiEndpoint: kms.apiEndpoint }, 'root');
      return { config, env: {}, secrets: [], stop: () => kms.close() };
    },
  },
];

async function errorOf(p: Promise<unknown>): Promise<GitsealError> {
  try {
    await p;
  } catch (e) {
    if (isGitsealError(e)) return e;
    throw e;
  }
  throw new Error('expected a GitsealError');
}

/** Everything an error could show: message, stack and the cause chain. */
function rendered(e: unknown): string {
  let out = '';
  for (let c: unknown = e, depth = 0; c !== undefined && depth < 5; depth++) {
    out += c instanceof Error ? `${c.message}\n${c.stack ?? ''}\n` : `${String(c)}\n`;
    c = c instanceof Error ? c.cause : undefined;
  }
  return out;
}

for (const f of fixtures) {
  describe.skipIf(!f.available)(`${f.kind} root`, () => {
    let fixture: Fixture;
    let root: RootOfTrust;

    beforeAll(async () => {
      fixture = await f.make();
      root = await openRoot(fixture.config, fixture.env);
    });
    afterAll(async () => {
      await root?.close();
      await fixture?.stop();
    });

    const expectClean = (e: unknown): void => {
      const text = rendered(e);
      const canary = new TextEncoder().encode(CANARY);
      for (const s of [CANARY, Buffer.from(canary).toString('base64').slice(0, 16), Buffer.from(canary).toString('hex'), ...fixture.secrets]) {
        expect(text).not.toContain(s);
      }
    };

    it('seals and unseals a 96-byte secret given as a view', async () => {
      const { all, view } = secret();
      const before = all.slice();
      const sealed = await root.seal(view, CONTEXT);
      expect(all).toEqual(before);
      expect(Buffer.from(sealed).includes(Buffer.from(CANARY))).toBe(false);
      const opened = await root.unseal(sealed, CONTEXT);
      expect(opened).toEqual(view);
      expect(root.kind).toBe(f.kind);
    });

    it('seals the same secret differently each time', async () => {
      const { view } = secret();
      const [a, b] = [await root.seal(view, CONTEXT), await root.seal(view, CONTEXT)];
      expect(a).not.toEqual(b);
      expect(await root.unseal(b, CONTEXT)).toEqual(view);
    });

    it('refuses another context, without the secret in the error', async () => {
      const sealed = await root.seal(secret().view, CONTEXT);
      const e = await errorOf(root.unseal(sealed, `${CONTEXT}-other`));
      expect(e.code).toBe(f.wrongContext);
      expectClean(e);
    });

    it('refuses a modified blob', async () => {
      const sealed = await root.seal(secret().view, CONTEXT);
      sealed[sealed.length - 20]! ^= 1;
      const e = await errorOf(root.unseal(sealed, CONTEXT));
      expect(['E_TAMPERED', 'E_ROOT_REVOKED']).toContain(e.code);
      expectClean(e);
    });

    it('says E_KEYSTORE for a blob made by another kind of root or cut short', async () => {
      const sealed = await root.seal(secret().view, CONTEXT);
      expect((await errorOf(root.unseal(Uint8Array.of(0x5a, ...sealed.subarray(1)), CONTEXT))).code).toBe('E_KEYSTORE');
      expect((await errorOf(root.unseal(sealed.subarray(0, 2), CONTEXT))).code).toBe('E_KEYSTORE');
      expect((await errorOf(root.unseal(Uint8Array.of(sealed[0]!, 99, ...sealed.subarray(2)), CONTEXT))).code).toBe('E_KEYSTORE');
    });

    it('names its key without secrets', () => {
      expect(root.description).toMatch(new RegExp(f.kind));
      for (const s of fixture.secrets) expect(root.description).not.toContain(s);
    });

    it('refuses to work once closed', async () => {
      const other = await openRoot(fixture.config, fixture.env);
      const sealed = await other.seal(secret().view, CONTEXT);
      await other.close();
      if (f.kind === 'passphrase' || f.kind === 'pkcs11') expect((await errorOf(other.unseal(sealed, CONTEXT))).code).toBe('E_ROOT');
      expect(await root.unseal(sealed, CONTEXT)).toEqual(secret().view);
    });
  });
}
