/**
 * EncryptedSecrets that no retry can fix (issue 12, bad input): pushed by
 * someone who bypassed `gitseal encrypt`, whose checks would refuse them.
 * Each gets Ready=False/Invalid and Stalled=True with a clear message, no
 * Secret, and a slow retry rather than a hot loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emitEncrypted } from '../core/format/encrypted-store.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { onlyDocumentIn, sealDocument } from '../core/format/seal.js';
import { parsePlainStream } from '../core/format/yaml-store.js';
import type { EncryptedSecretObject } from '../controller/encrypted-secret.js';
import { startControllerEnv, until, type ControllerEnv } from './helpers/controller-env.js';

const condition = (cr: EncryptedSecretObject | undefined, type: string) => cr?.status?.conditions?.find((c) => c.type === type);

describe('EncryptedSecrets the API server would refuse as Secrets', () => {
  let env: ControllerEnv;
  beforeAll(async () => {
    env = await startControllerEnv();
    await env.startController();
  });
  afterAll(async () => env?.close());

  /** Sealed straight through core/, skipping the Secret checks `gitseal encrypt` makes. */
  const crafted = (name: string, body: string): EncryptedSecretObject => {
    const [plain] = parsePlainStream(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: payments\ntype: Opaque\n${body}`);
    const doc = sealDocument({ plain: plain!, mode: 'secret', identity: { name, namespace: 'payments' }, readable: {}, scope: 'strict' }, { recipients: [parseRecipient(env.svc.recipient)], file: onlyDocumentIn(new Uint8Array(16)) });
    return parse(emitEncrypted([doc], 'yaml')) as EncryptedSecretObject;
  };

  it.each([
    ['over 1 MiB of data', 'big', `stringData:\n  blob: ${'x'.repeat(1024 * 1024 + 10)}\n`, /1048586 bytes; Kubernetes allows at most 1048576/],
    ['a data key Kubernetes refuses', 'badkey', 'stringData:\n  "no spaces allowed": x\n', /not valid for Kubernetes \(a data key, a base64 value/],
    ['data that is not base64', 'notb64', 'data:\n  k: "not base64!"\n', /not valid for Kubernetes/],
  ])('%s: Invalid and Stalled, no Secret, no hot loop', async (_what, name, body, message) => {
    await env.createCr(crafted(name, body));
    await until('Invalid', () => condition(env.getCr('payments', name), 'Ready')?.reason === 'Invalid', 20_000);
    const cr = env.getCr('payments', name)!;
    expect(condition(cr, 'Ready')).toMatchObject({ status: 'False', message: expect.stringMatching(message) });
    expect(condition(cr, 'Stalled')).toMatchObject({ status: 'True', reason: 'Invalid' });
    expect(env.getSecret('payments', name)).toBeUndefined();
    expect(JSON.stringify(cr.status)).not.toContain('no spaces allowed'); // key names stay hidden
    const reads = () => env.k8s.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/encryptedsecrets/${name}`)).length;
    const before = reads();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(reads() - before).toBeLessThanOrEqual(1); // the next try is 10 s away, doubling
  });
});
