/**
 * The kill switch with each root of trust (issue 5): the service re-checks
 * its root every interval; when the root refuses (SoftHSM token removed,
 * AWS or GCP double key disabled) the org key leaves memory and every
 * rewrap fails with root_revoked; when the root is back, so is the service.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { b64url } from '../core/bytes.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { loadSigningKey } from '../kms/auth/request-signature.js';
import { RewrapClient } from '../kms/client/client.js';
import type { RewrapItem } from '../kms/protocol/types.js';
import { startAwsKmsDouble } from './doubles/aws-kms-double.js';
import { startGcpKmsDouble } from './doubles/gcp-kms-double.js';
import { hasOptional } from './helpers/optional.js';
import { makeSoftHsmToken, softHsmAvailable } from './helpers/softhsm.js';
import { startTestService, type TestService } from './helpers/rewrap-service.js';

const POLICY = `gitseal-policy: 1
rules:
  - subjects: ["dev:ops"]
    scopes: ["*"]
    operations: [rewrap]
`;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

function itemFor(svc: TestService): { item: RewrapItem; dek: Uint8Array } {
  const dek = randomBytes(32);
  const docId = randomBytes(16);
  const stanza = parseRecipient(svc.recipient).wrap(dek, { scopeBinding: 'payments/db', docId });
  return { dek, item: { kid: stanza.kid, alg: 'mlkem1024-x25519', enc: stanza.enc, dek: stanza.dek, scope: 'payments/db', docId: b64url(docId) } };
}

function clientFor(svc: TestService): RewrapClient {
  const client = new RewrapClient({
    server: svc.url,
    ca: readFileSync(svc.caFile),
    signingKey: { keyId: 'ops', privateKey: loadSigningKey(readFileSync(join(svc.dir, 'ops.pem'), 'utf8')).keyObject },
    retries: 0,
  });
  cleanups.push(() => client.close());
  return client;
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function exerciseKillSwitch(svc: TestService, revoke: () => void, restore: () => void): Promise<void> {
  const client = clientFor(svc);
  const { item, dek } = itemFor(svc);
  expect(Buffer.from((await client.unwrap([item]))[0]!)).toEqual(Buffer.from(dek));

  revoke();
  await until('the kill switch', () => svc.running.keyring.state === 'root_revoked');
  const [refused] = await client.unwrapSettled([item]);
  expect(refused).toMatchObject({ ok: false, wire: 'root_revoked', code: 'E_ROOT_REVOKED' });
  expect(svc.logs.some((l) => l.includes('kill switch'))).toBe(true);

  restore();
  await until('recovery', () => svc.running.keyring.state === 'ready');
  expect(Buffer.from((await client.unwrap([item]))[0]!)).toEqual(Buffer.from(dek));
}

describe('kill switch', () => {
  it.runIf(hasOptional('@aws-sdk/client-kms'))('AWS KMS: a disabled key drops the org key; enabling it brings the service back', async () => {
    const aws = await startAwsKmsDouble();
    cleanups.push(() => aws.close());
    const keyId = aws.createKey();
    const svc = await startTestService({
      developers: ['ops'],
      policy: POLICY,
      root: `root: {type: aws-kms, keyId: "${keyId}", region: ${aws.region}, endpoint: "${aws.endpoint}", checkInterval: 1}`,
      rootEnv: { ...aws.env },
    });
    cleanups.push(() => svc.close());
    await exerciseKillSwitch(svc, () => aws.disableKey(keyId), () => aws.enableKey(keyId));
  });

  it.runIf(hasOptional('@google-cloud/kms'))('GCP KMS: a disabled key drops the org key; enabling it brings the service back', async () => {
    const gcp = await startGcpKmsDouble();
    cleanups.push(() => gcp.close());
    const name = gcp.createKey();
    const svc = await startTestService({ developers: ['ops'], policy: POLICY, root: `root: {type: gcp-kms, name: "${name}", apiEndpoint: "${gcp.apiEndpoint}", checkInterval: 1}` });
    cleanups.push(() => svc.close());
    await exerciseKillSwitch(svc, () => gcp.disableKey(name), () => gcp.enableKey(name));
  });

  it.skipIf(!softHsmAvailable)('PKCS#11: removing the SoftHSM token drops the org key; putting it back brings the service back', async () => {
    const hsm = await makeSoftHsmToken();
    cleanups.push(() => hsm.cleanup());
    const c = hsm.config;
    const svc = await startTestService({
      developers: ['ops'],
      policy: POLICY,
      root: `root: {type: pkcs11, module: "${c.module}", tokenLabel: "${c.tokenLabel}", keyLabel: "${c.keyLabel}", checkInterval: 1}`,
      rootEnv: { ...hsm.env },
    });
    cleanups.push(() => svc.close());
    await exerciseKillSwitch(svc, () => hsm.remove(), () => hsm.restore());
  });
});
