/**
 * The controller against the Kubernetes API double and a real rewrap
 * service (issue 6): the Secret follows its EncryptedSecret through create,
 * update and delete; drift is repaired; a down service, a tampered or moved
 * object and a Secret gitseal did not make leave the Secret untouched with
 * the reason in Ready; a dropped watch and 410 Gone miss nothing; a restart
 * writes nothing; of two replicas one leads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePatch, secretManifest, startControllerEnv, until, type ControllerEnv } from './helpers/controller-env.js';
import type { EncryptedSecretObject } from '../controller/encrypted-secret.js';
import { hasOptional } from './helpers/optional.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const ready = (cr: EncryptedSecretObject | undefined) => cr?.status?.conditions?.find((c) => c.type === 'Ready');
const writesTo = (env: ControllerEnv, from: number, what: RegExp) =>
  env.k8s.requests.slice(from).filter((r) => r.method !== 'GET' && what.test(r.path));

describe('gitseal controller', () => {
  let env: ControllerEnv;

  beforeAll(async () => {
    env = await startControllerEnv();
    await env.startController();
  });
  afterAll(async () => env?.close());

  it('creates the Secret from a new EncryptedSecret, owned by it, and reports Ready', async () => {
    const cr = env.encrypt(secretManifest('payments', 'db', { password: 'pw-1', user: 'app' }));
    await env.createCr(cr);
    await until('the Secret', () => env.getSecret('payments', 'db') !== undefined);
    const s = env.getSecret('payments', 'db')!;
    expect(s.data).toEqual({ password: b64('pw-1'), user: b64('app') });
    expect(s.type).toBe('Opaque');
    expect(s.metadata.labels).toMatchObject({ app: 'db', 'app.kubernetes.io/managed-by': 'gitseal' });
    const live = env.getCr('payments', 'db')!;
    expect(s.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'EncryptedSecret', name: 'db', uid: live.metadata.uid, controller: true })]);
    await until('Ready', () => ready(env.getCr('payments', 'db'))?.status === 'True');
    expect(env.getCr('payments', 'db')!.status).toMatchObject({ observedGeneration: live.metadata.generation, secretName: 'db' });
    await until('the Decrypted event', () => env.k8s.list('v1', 'Event', 'payments').some((e) => (e as { reason?: string }).reason === 'Decrypted'));
  });

  it('follows an update of the EncryptedSecret, from the spec its watch event brought (no read back)', async () => {
    const from = env.k8s.requests.length;
    await env.replaceCr(env.encrypt(secretManifest('payments', 'db', { password: 'pw-2', user: 'app' })));
    await until('the new value', () => env.getSecret('payments', 'db')?.data?.password === b64('pw-2'));
    const readBack = env.k8s.requests.slice(from).filter((r) => r.method === 'GET' && r.path === '/apis/gitseal.dev/v1/namespaces/payments/encryptedsecrets/db');
    expect(readBack).toEqual([]);
    // Its own write's watch event, even when it comes before the apply's answer, is not taken for drift.
    await until('Ready', () => ready(env.getCr('payments', 'db'))?.status === 'True' && env.getCr('payments', 'db')?.status?.observedGeneration === env.getCr('payments', 'db')?.metadata.generation);
    await new Promise((r) => setTimeout(r, 300));
    expect(writesTo(env, from, /\/secrets\/db$/)).toHaveLength(1);
    await until('Ready for the new generation', () => {
      const cr = env.getCr('payments', 'db');
      return cr?.status?.observedGeneration === cr?.metadata.generation && ready(cr)?.status === 'True';
    });
  });

  it('repairs drift: an edited Secret and a deleted one', async () => {
    await env.core.patchNamespacedSecret({ namespace: 'payments', name: 'db', body: { data: { password: b64('hacked') } } }, mergePatch);
    await until('the edit undone', () => env.getSecret('payments', 'db')?.data?.password === b64('pw-2'));
    await env.core.deleteNamespacedSecret({ namespace: 'payments', name: 'db' });
    await until('the Secret back', () => env.getSecret('payments', 'db')?.data?.password === b64('pw-2'));
  });

  it('misses nothing across a dropped watch and 410 Gone', async () => {
    env.k8s.compact();
    env.k8s.dropWatches();
    await env.replaceCr(env.encrypt(secretManifest('payments', 'db', { password: 'pw-3', user: 'app' })));
    await until('the value after the relist', () => env.getSecret('payments', 'db')?.data?.password === b64('pw-3'), 15_000);
  });

  it('refuses a tampered EncryptedSecret and leaves its Secret alone', async () => {
    const good = env.encrypt(secretManifest('payments', 'api', { token: 't-1' }));
    await env.createCr(good);
    await until('api Secret', () => env.getSecret('payments', 'api') !== undefined);
    const spec = JSON.parse(JSON.stringify(good.spec)) as { encryptedData: Record<string, string> };
    const [k, v] = Object.entries(spec.encryptedData)[0]!;
    spec.encryptedData[k] = v.slice(0, -4) + (v.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const before = env.getSecret('payments', 'api')!.metadata.resourceVersion;
    await env.replaceCr({ ...good, spec });
    await until('Tampered', () => ready(env.getCr('payments', 'api'))?.reason === 'Tampered');
    expect(ready(env.getCr('payments', 'api'))!.status).toBe('False');
    // kstatus: Flux and Argo CD fail at once instead of waiting out their timeout.
    expect(env.getCr('payments', 'api')!.status!.conditions!.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'Tampered' });
    expect(env.getSecret('payments', 'api')!.metadata.resourceVersion).toBe(before);
  });

  it('refuses an EncryptedSecret moved to another namespace (ScopeMismatch) and writes no Secret', async () => {
    const cr = env.encrypt(secretManifest('payments', 'moved', { k: 'v' }));
    await env.createCr({ ...cr, metadata: { ...cr.metadata, namespace: 'billing' } });
    await until('ScopeMismatch', () => ready(env.getCr('billing', 'moved'))?.reason === 'ScopeMismatch');
    expect(env.getSecret('billing', 'moved')).toBeUndefined();
  });

  // Issue 15, finding 5: the EncryptedSecret's own annotation used to be enough, so whoever may create EncryptedSecrets
  // could overwrite any Secret of the namespace, and deleting the CR then garbage-collected it.
  it('leaves a Secret it did not make alone, whatever the EncryptedSecret asks (the attack of gitseal.dev/adopt)', async () => {
    await env.core.createNamespacedSecret({ namespace: 'payments', body: { metadata: { name: 'victim' }, data: { k: b64('theirs') } } });
    const before = env.getSecret('payments', 'victim')!;
    const cr = env.encrypt(secretManifest('payments', 'victim', { k: 'attacker' }));
    await env.createCr({ ...cr, metadata: { ...cr.metadata, annotations: { 'gitseal.dev/adopt': 'true' } } });
    await until('SecretNotOwned', () => ready(env.getCr('payments', 'victim'))?.reason === 'SecretNotOwned');
    expect(ready(env.getCr('payments', 'victim'))!.message).toContain('gitseal.dev/adopt-by');
    await until('the Warning event', () => env.k8s.list('v1', 'Event', 'payments').some((e) => (e as { reason?: string }).reason === 'SecretNotOwned'));
    expect(env.getSecret('payments', 'victim')).toEqual(before);
    await env.custom.deleteNamespacedCustomObject({ group: 'gitseal.dev', version: 'v1', plural: 'encryptedsecrets', namespace: 'payments', name: 'victim' });
    await until('the CR gone', () => env.getCr('payments', 'victim') === undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.getSecret('payments', 'victim')).toEqual(before);
  });

  it('adopts a Secret whose owner consents (gitseal.dev/adopt-by), and deleting the EncryptedSecret leaves it', async () => {
    await env.core.createNamespacedSecret({ namespace: 'payments', body: { metadata: { name: 'legacy' }, data: { k: b64('old') } } });
    await env.createCr(env.encrypt(secretManifest('payments', 'legacy', { k: 'new' })));
    await until('SecretNotOwned', () => ready(env.getCr('payments', 'legacy'))?.reason === 'SecretNotOwned');
    expect(env.getSecret('payments', 'legacy')!.data).toEqual({ k: b64('old') });
    await env.core.patchNamespacedSecret({ namespace: 'payments', name: 'legacy', body: { metadata: { annotations: { 'gitseal.dev/adopt-by': 'legacy' } } } }, mergePatch);
    await until('adopted', () => env.getSecret('payments', 'legacy')?.data?.k === b64('new'), 20_000);
    await until('Ready', () => ready(env.getCr('payments', 'legacy'))?.status === 'True');
    const adopted = env.getSecret('payments', 'legacy')!;
    expect(adopted.metadata.ownerReferences).toBeUndefined();
    // Drift on an adopted Secret is repaired too: its consent names the EncryptedSecret.
    await env.core.patchNamespacedSecret({ namespace: 'payments', name: 'legacy', body: { data: { k: b64('edited') } } }, mergePatch);
    await until('the edit undone', () => env.getSecret('payments', 'legacy')?.data?.k === b64('new'));
    // The double runs the garbage collector (the Secret of "api" below goes with its CR): this one stays.
    await env.custom.deleteNamespacedCustomObject({ group: 'gitseal.dev', version: 'v1', plural: 'encryptedsecrets', namespace: 'payments', name: 'legacy' });
    await until('the CR gone', () => env.getCr('payments', 'legacy') === undefined);
    await new Promise((r) => setTimeout(r, 500));
    expect(env.getSecret('payments', 'legacy')).toMatchObject({ metadata: { uid: adopted.metadata.uid }, data: { k: b64('new') } });
  });

  // The kill switch is pulled at the AWS KMS double, which needs the optional AWS SDK in the service.
  it.runIf(hasOptional('@aws-sdk/client-kms'))('keeps the Secret while the rewrap service is down (RewrapUnavailable), and recovers', async () => {
    const kms = env.kms!;
    kms.aws.disableKey(kms.key);
    await until('the kill switch', () => env.svc.running.keyring.state === 'root_revoked');
    await env.replaceCr(env.encrypt(secretManifest('payments', 'db', { password: 'pw-4', user: 'app' })));
    await until('RewrapUnavailable', () => ready(env.getCr('payments', 'db'))?.reason === 'RewrapUnavailable');
    expect(env.getSecret('payments', 'db')!.data!.password).toBe(b64('pw-3'));
    kms.aws.enableKey(kms.key);
    await until('recovered', () => env.getSecret('payments', 'db')?.data?.password === b64('pw-4'), 20_000);
    await until('Ready again', () => ready(env.getCr('payments', 'db'))?.status === 'True');
  });

  it('deletes the Secret with its EncryptedSecret (ownerReference garbage collection)', async () => {
    await env.custom.deleteNamespacedCustomObject({ group: 'gitseal.dev', version: 'v1', plural: 'encryptedsecrets', namespace: 'payments', name: 'api' });
    await until('the Secret gone', () => env.getSecret('payments', 'api') === undefined);
  });

  it('carries the type, labels and annotations of the manifest, and replaces an immutable Secret whole', async () => {
    const tls = (v: string) =>
      env.encrypt(
        secretManifest('payments', 'tls', { 'tls.crt': `crt-${v}`, 'tls.key': `key-${v}` }, 'immutable: true\n')
          .replace('type: Opaque', 'type: kubernetes.io/tls')
          .replace('labels: {app: tls}', 'labels: {app: tls}\n  annotations: {team: payments}'),
      );
    await env.createCr(tls('1'));
    await until('the TLS Secret', () => env.getSecret('payments', 'tls') !== undefined);
    const first = env.getSecret('payments', 'tls')!;
    expect(first).toMatchObject({ type: 'kubernetes.io/tls', immutable: true, metadata: { annotations: { team: 'payments' } } });
    await env.replaceCr(tls('2'));
    await until('the replaced Secret', () => env.getSecret('payments', 'tls')?.data?.['tls.key'] === b64('key-2'));
    expect(env.getSecret('payments', 'tls')!.metadata.uid).not.toBe(first.metadata.uid);
  });

  it('writes nothing after a restart when everything is current', async () => {
    await until('all settled', () => env.controllers[0]!.queue.length === 0);
    await new Promise((r) => setTimeout(r, 300));
    await env.controllers[0]!.stop();
    const from = env.k8s.requests.length;
    const again = await env.startController();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(again.isLeader).toBe(true);
    expect(writesTo(env, from, /\/secrets|\/status$/)).toEqual([]);
  });
});
