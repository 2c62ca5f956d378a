/**
 * Writes that converge (issue 12): what Git removes disappears from the live
 * Secret. A real API server keeps fields owned by a create's `Update`
 * managedFields entry through later server-side applies (recorded in
 * test/k8s/recorded/secret-create-then-apply.json), so every write is a
 * server-side apply by one field manager, and Secrets an earlier version
 * created that way are taken over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretManifest, startControllerEnv, until, type ControllerEnv } from './helpers/controller-env.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
type Managed = { manager: string; operation: string; fieldsV1?: Record<string, unknown> };
const managedOf = (o: Record<string, unknown> | undefined): Managed[] => ((o?.metadata as { managedFields?: Managed[] } | undefined)?.managedFields ?? []);

describe('writes converge', () => {
  let env: ControllerEnv;
  beforeAll(async () => {
    env = await startControllerEnv();
    await env.startController();
  });
  afterAll(async () => env?.close());

  const manifest = (name: string, values: Record<string, string>, labels: string) =>
    secretManifest('payments', name, values).replace(`labels: {app: ${name}}`, `labels: {${labels}}\n  annotations: {team: payments, old: note}`);

  it('a key, a label and an annotation removed in Git leave the Secret; one field manager, operation Apply', async () => {
    await env.createCr(env.encrypt(manifest('conv', { a: '1', b: '2' }, 'app: conv, tier: db')));
    await until('the Secret', () => env.getSecret('payments', 'conv')?.data?.b === b64('2'));
    await env.replaceCr(env.encrypt(manifest('conv', { a: '1' }, 'app: conv').replace(', old: note', '')));
    await until('b removed', () => env.getSecret('payments', 'conv')?.data?.b === undefined);
    const s = env.getSecret('payments', 'conv')!;
    expect(s.data).toEqual({ a: b64('1') });
    expect(s.metadata.labels?.tier).toBeUndefined();
    expect(s.metadata.annotations).toEqual({ team: 'payments' });
    const mine = managedOf(env.k8s.get('v1', 'Secret', 'payments', 'conv')).filter((m) => m.manager === 'gitseal');
    expect(mine.map((m) => m.operation)).toEqual(['Apply']);
  });

  it('takes over a Secret an earlier version created (manager gitseal, operation Update) and prunes what Git removed', async () => {
    const cr = await env.createCr(env.encrypt(manifest('legacy', { a: '1' }, 'app: legacy')));
    await until('the Secret', () => env.getSecret('payments', 'legacy')?.data?.a === b64('1'));
    // What the old create path left: the same Secret, but written by a POST with fieldManager=gitseal.
    const live = env.getSecret('payments', 'legacy')!;
    await env.controllers[0]!.stop();
    await env.core.deleteNamespacedSecret({ namespace: 'payments', name: 'legacy' });
    await env.core.createNamespacedSecret({
      namespace: 'payments',
      fieldManager: 'gitseal',
      body: { metadata: { name: 'legacy', namespace: 'payments', labels: { ...live.metadata.labels, tier: 'old' }, ownerReferences: live.metadata.ownerReferences }, type: 'Opaque', data: { a: b64('1'), b: b64('stale') } },
    });
    expect(managedOf(env.k8s.get('v1', 'Secret', 'payments', 'legacy')).map((m) => `${m.manager}/${m.operation}`)).toEqual(['gitseal/Update']);
    await env.startController();
    await env.replaceCr({ ...env.encrypt(manifest('legacy', { a: '2' }, 'app: legacy')), metadata: cr.metadata });
    await until('converged', () => env.getSecret('payments', 'legacy')?.data?.a === b64('2') && env.getSecret('payments', 'legacy')?.data?.b === undefined);
    expect(env.getSecret('payments', 'legacy')!.metadata.labels?.tier).toBeUndefined();
    expect(managedOf(env.k8s.get('v1', 'Secret', 'payments', 'legacy')).map((m) => `${m.manager}/${m.operation}`)).toEqual(['gitseal/Apply']);
  });
});
