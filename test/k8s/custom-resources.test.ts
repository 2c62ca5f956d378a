import { PatchStrategy, type V1ConfigMap, type V1OwnerReference } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiDouble, type ApiDouble } from './api-double.js';
import { as, clientsFor, ENCRYPTED_SECRETS_CRD, ES, eventually, failure, installCrd, sleep, type Clients } from './harness.js';

describe('CRDs and custom resources', () => {
  let api: ApiDouble;
  let c: Clients;
  const namespace = 'default';

  beforeAll(async () => {
    api = await startApiDouble();
    c = clientsFor(api);
    await installCrd(c, ENCRYPTED_SECRETS_CRD);
  });
  afterAll(() => api.close());

  const es = (name: string, spec: Record<string, unknown> = { envelope: 'e' }) => ({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: { name }, spec });

  async function getJson(path: string): Promise<Record<string, unknown>> {
    const res = await fetch(api.url + path);
    return (await res.json()) as Record<string, unknown>;
  }

  describe('CustomResourceDefinitions', () => {
    test('a created CRD is established and its resource is discoverable', async () => {
      const crd = await c.apiext.readCustomResourceDefinition({ name: 'encryptedsecrets.gitseal.dev' });
      expect(crd.status?.conditions?.find((x) => x.type === 'Established')?.status).toBe('True');
      expect(crd.status?.acceptedNames?.kind).toBe('EncryptedSecret');
      const groups = (await getJson('/apis')) as { groups: { name: string; preferredVersion: { version: string } }[] };
      expect(groups.groups.find((g) => g.name === 'gitseal.dev')?.preferredVersion.version).toBe('v1');
      const resources = (await getJson('/apis/gitseal.dev/v1')) as { resources: Record<string, unknown>[] };
      expect(resources.resources).toEqual([
        expect.objectContaining({ name: 'encryptedsecrets', singularName: 'encryptedsecret', namespaced: true, kind: 'EncryptedSecret', shortNames: ['esec'] }),
        expect.objectContaining({ name: 'encryptedsecrets/status', kind: 'EncryptedSecret', verbs: ['get', 'patch', 'update'] }),
      ]);
      const core = (await getJson('/api/v1')) as { resources: { name: string }[] };
      expect(core.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['namespaces', 'namespaces/status', 'secrets', 'configmaps', 'events']));
    });

    test('an invalid CRD is refused', async () => {
      const bad = await failure(() => installCrd(c, { ...ENCRYPTED_SECRETS_CRD, metadata: { name: 'wrong.gitseal.dev' } }));
      expect(bad).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(bad.details?.causes?.[0]?.field).toBe('metadata.name');
    });

    test('custom resources: CRUD, kind/apiVersion checks, defaults, pruning, schema validation', async () => {
      const created = await c.custom.createNamespacedCustomObject({ ...ES, namespace, body: { ...es('one', { envelope: 'e', unknown: 1 }), status: { x: 1 } } });
      expect(created).toMatchObject({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: { generation: 1, namespace } });
      expect(created.spec).toEqual({ envelope: 'e', replicas: 1 });
      expect(created.status).toBeUndefined();

      const noKind = await failure(() => c.custom.createNamespacedCustomObject({ ...ES, namespace, body: { apiVersion: 'gitseal.dev/v1', metadata: { name: 'x' } } }));
      expect(noKind).toMatchObject({ code: 400, reason: 'BadRequest' });
      const typed = await failure(() => c.custom.createNamespacedCustomObject({ ...ES, namespace, body: es('x', { replicas: 'two' }) }));
      expect(typed).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(typed.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueTypeInvalid', field: 'spec.replicas' });

      const strict = await failure(() => c.custom.createNamespacedCustomObject({ ...ES, namespace, fieldValidation: 'Strict', body: es('x', { envelope: 'e', bogus: 1 }) }));
      expect(strict).toMatchObject({
        code: 400,
        message: 'EncryptedSecret in version "v1" cannot be handled as a EncryptedSecret: strict decoding error: unknown field "spec.bogus"',
      });
      const warned = await fetch(`${api.url}/apis/gitseal.dev/v1/namespaces/default/encryptedsecrets?dryRun=All`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(es('warned', { envelope: 'e', bogus: 1 })),
      });
      expect(warned.status).toBe(201);
      expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.bogus\\""');

      const list = await c.custom.listNamespacedCustomObject({ ...ES, namespace });
      expect(list).toMatchObject({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecretList' });
      expect(list.items[0]).toMatchObject({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret' });
      const all = await c.custom.listClusterCustomObject({ ...ES });
      expect(all.items).toHaveLength(1);

      // Deleted at once, a custom resource is answered with a Success Status (recorded from a 1.28 apiserver).
      const deleted = await c.custom.deleteNamespacedCustomObject({ ...ES, namespace, name: 'one' });
      expect(deleted).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'one', group: 'gitseal.dev', kind: 'encryptedsecrets' } });
    });

    test('replace needs a resourceVersion; strategic merge patch is not for custom resources', async () => {
      await c.custom.createNamespacedCustomObject({ ...ES, namespace, body: es('two') });
      const noRv = await failure(() => c.custom.replaceNamespacedCustomObject({ ...ES, namespace, name: 'two', body: es('two', { envelope: 'x' }) }));
      expect(noRv.message).toBe('encryptedsecrets.gitseal.dev "two" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
      const smp = await failure(() =>
        c.custom.patchNamespacedCustomObject({ ...ES, namespace, name: 'two', body: { spec: { envelope: 'y' } } }, as(PatchStrategy.StrategicMergePatch)),
      );
      expect(smp).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    });

    test('status subresource: status writes change only status, main writes ignore status, generation tracks spec', async () => {
      const cr = await c.custom.createNamespacedCustomObject({ ...ES, namespace, body: es('st') });
      const withStatus = await c.custom.replaceNamespacedCustomObjectStatus({
        ...ES,
        namespace,
        name: 'st',
        body: { ...cr, spec: { envelope: 'sneaky' }, metadata: { ...cr.metadata, labels: { sneaky: 'yes' } }, status: { observedGeneration: 1 } },
      });
      expect(withStatus.status).toEqual({ observedGeneration: 1 });
      expect(withStatus.spec.envelope).toBe('e');
      expect(withStatus.metadata.labels).toBeUndefined();
      expect(withStatus.metadata.generation).toBe(1);

      const stale = await failure(() => c.custom.replaceNamespacedCustomObjectStatus({ ...ES, namespace, name: 'st', body: { ...cr, status: {} } }));
      expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });

      const main = await c.custom.patchNamespacedCustomObject(
        { ...ES, namespace, name: 'st', body: { spec: { envelope: 'e2' }, status: { observedGeneration: 99 } } },
        as(PatchStrategy.MergePatch),
      );
      expect(main.spec.envelope).toBe('e2');
      expect(main.status).toEqual({ observedGeneration: 1 });
      expect(main.metadata.generation).toBe(2);

      const labelsOnly = await c.custom.patchNamespacedCustomObject({ ...ES, namespace, name: 'st', body: { metadata: { labels: { a: 'b' } } } }, as(PatchStrategy.MergePatch));
      expect(labelsOnly.metadata.generation).toBe(2);

      const patchStatus = (conditions: unknown[]) =>
        c.custom.patchNamespacedCustomObjectStatus({ ...ES, namespace, name: 'st', body: { status: { conditions } } }, as(PatchStrategy.MergePatch));
      const invalid = await failure(() => patchStatus([{ type: 'Ready', status: 'Maybe' }]));
      // (Status writes are validated against the status schema alone: paths are relative to .status.)
      expect(invalid.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueNotSupported', field: 'conditions[0].status' });
      const dupes = await failure(() => patchStatus([{ type: 'Ready', status: 'True' }, { type: 'Ready', status: 'False' }]));
      expect(dupes.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueDuplicate', field: 'conditions[1]' });
      const ok = await patchStatus([{ type: 'Ready', status: 'True' }]);
      expect(ok.status).toEqual({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] });
      expect(ok.metadata.generation).toBe(2);
    });

    test('deleting a CRD removes its custom resources, then stops serving them', async () => {
      const crd = { ...ENCRYPTED_SECRETS_CRD, metadata: { name: 'widgets.example.com' }, spec: { ...ENCRYPTED_SECRETS_CRD.spec, group: 'example.com', names: { plural: 'widgets', kind: 'Widget' } } };
      await installCrd(c, crd);
      const W = { group: 'example.com', version: 'v1', plural: 'widgets' };
      await c.custom.createNamespacedCustomObject({ ...W, namespace, body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } });
      await c.apiext.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
      await eventually(async () => (await fetch(`${api.url}/apis/example.com/v1/namespaces/default/widgets`)).status === 404);
      expect(api.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'widgets.example.com')).toBeUndefined();
    });
  });
});

describe('server-side apply on ConfigMaps and EncryptedSecrets', () => {
  let api: ApiDouble;
  let c: Clients;
  const namespace = 'default';

  beforeAll(async () => {
    api = await startApiDouble();
    c = clientsFor(api);
    await installCrd(c, ENCRYPTED_SECRETS_CRD);
  });
  afterAll(() => api.close());

  const SSA = as(PatchStrategy.ServerSideApply);

  function applyCm(name: string, manager: string, body: Partial<V1ConfigMap>, force?: boolean) {
    return c.core.patchNamespacedConfigMap(
      { name, namespace, fieldManager: manager, ...(force ? { force } : {}), body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...body.metadata }, ...body } },
      SSA,
    );
  }

  const managers = (o: { metadata?: { managedFields?: { manager?: string; operation?: string }[] } }) =>
    (o.metadata?.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`);

  describe('server-side apply', () => {
    test('creates when absent, records an Apply entry in FieldsV1, and is a no-op when repeated', async () => {
      const cm = await applyCm('ssa', 'ctl', { metadata: { name: 'ssa', labels: { app: 'a' } }, data: { a: '1', b: '2' } });
      expect(cm.data).toEqual({ a: '1', b: '2' });
      expect(cm.metadata?.managedFields).toEqual([
        expect.objectContaining({
          manager: 'ctl',
          operation: 'Apply',
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
        }),
      ]);
      const again = await applyCm('ssa', 'ctl', { metadata: { name: 'ssa', labels: { app: 'a' } }, data: { a: '1', b: '2' } });
      expect(again.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
      expect(api.requests.at(-1)).toMatchObject({ method: 'PATCH', contentType: 'application/apply-patch+yaml', fieldManager: 'ctl' });
    });

    test('fields left out of the next apply are removed unless someone else owns them', async () => {
      await applyCm('prune', 'ctl', { data: { a: '1', b: '2', c: '3' } });
      await c.core.patchNamespacedConfigMap({ name: 'prune', namespace, fieldManager: 'editor', body: { data: { c: '3x' } } }, as(PatchStrategy.MergePatch));
      const after = await applyCm('prune', 'ctl', { data: { a: '1' } });
      expect(after.data).toEqual({ a: '1', c: '3x' });
      expect(managers(after)).toEqual(['ctl/Apply', 'editor/Update']);
      expect(after.metadata?.managedFields?.[1]?.fieldsV1).toEqual({ 'f:data': { 'f:c': {} } });
    });

    test('two appliers: shared ownership of equal values, 409 on differing ones, force takes over', async () => {
      await applyCm('two', 'alpha', { data: { shared: 'same', mine: 'a' } });
      const shared = await applyCm('two', 'beta', { data: { shared: 'same' } });
      expect(managers(shared)).toEqual(['alpha/Apply', 'beta/Apply']);

      const conflict = await failure(() => applyCm('two', 'beta', { data: { shared: 'same', mine: 'b' } }));
      expect(conflict).toMatchObject({ code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "alpha": .data.mine' });
      expect(conflict.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.data.mine' }]);

      const forced = await applyCm('two', 'beta', { data: { shared: 'same', mine: 'b' } }, true);
      expect(forced.data).toEqual({ shared: 'same', mine: 'b' });
      const fields = Object.fromEntries((forced.metadata?.managedFields ?? []).map((m) => [m.manager, m.fieldsV1]));
      expect(fields).toEqual({ alpha: { 'f:data': { 'f:shared': {} } }, beta: { 'f:data': { 'f:mine': {}, 'f:shared': {} } } });

      // alpha stops applying `shared`: beta still owns it, so it stays.
      const kept = await applyCm('two', 'alpha', { data: {} });
      expect(kept.data).toEqual({ shared: 'same', mine: 'b' });
    });

    test('conflicts with Update managers name the operation and apiVersion', async () => {
      await c.core.createNamespacedConfigMap({ namespace, fieldManager: 'kubectl-edit', body: { metadata: { name: 'upd' }, data: { x: '1' } } });
      const conflict = await failure(() => applyCm('upd', 'ctl', { data: { x: '2' } }));
      expect(conflict.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.x');
      const mine = await applyCm('upd', 'ctl', { data: { y: '1' } });
      expect(mine.data).toEqual({ x: '1', y: '1' });
    });

    test('apply requires a fieldManager; force is for apply only', async () => {
      const noManager = await failure(() =>
        c.core.patchNamespacedConfigMap({ name: 'x', namespace, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }, SSA),
      );
      expect(noManager).toMatchObject({ code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' });
      const force = await failure(() => c.core.patchNamespacedConfigMap({ name: 'upd', namespace, force: true, body: {} }, as(PatchStrategy.MergePatch)));
      expect(force.code).toBe(422);
    });

    test('custom resources: associative lists by key, status through the subresource', async () => {
      const body = (spec: Record<string, unknown>) => ({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: { name: 'es' }, spec });
      const created = await c.custom.patchNamespacedCustomObject({ ...ES, namespace, name: 'es', fieldManager: 'gitseal', body: body({ envelope: 'e1', recipients: ['r1'] }) }, SSA);
      expect(created.metadata.generation).toBe(1);
      expect(created.spec).toEqual({ envelope: 'e1', recipients: ['r1'], replicas: 1 });

      const status = (conditions: Record<string, unknown>[]) => ({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: { name: 'es' }, status: { conditions } });
      await c.custom.patchNamespacedCustomObjectStatus({ ...ES, namespace, name: 'es', fieldManager: 'ctrl', body: status([{ type: 'Ready', status: 'False' }]) }, SSA);
      const both = await c.custom.patchNamespacedCustomObjectStatus(
        { ...ES, namespace, name: 'es', fieldManager: 'probe', body: status([{ type: 'Healthy', status: 'True' }]) },
        SSA,
      );
      expect(both.status.conditions).toEqual([
        { type: 'Ready', status: 'False' },
        { type: 'Healthy', status: 'True' },
      ]);
      expect(both.metadata.generation).toBe(1);
      const ctrl = (both.metadata.managedFields as { manager: string; subresource?: string; fieldsV1: unknown }[]).find((m) => m.manager === 'ctrl');
      expect(ctrl).toMatchObject({
        subresource: 'status',
        fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } } } },
      });
      const conflict = await failure(() =>
        c.custom.patchNamespacedCustomObjectStatus({ ...ES, namespace, name: 'es', fieldManager: 'probe', body: status([{ type: 'Ready', status: 'True' }]) }, SSA),
      );
      expect(conflict.message).toBe('Apply failed with 1 conflict: conflict with "ctrl" with subresource "status": .status.conditions[type="Ready"].status');

      // Applying to the main resource ignores status; spec changes bump generation.
      const main = await c.custom.patchNamespacedCustomObject(
        { ...ES, namespace, name: 'es', fieldManager: 'gitseal', body: { ...body({ envelope: 'e2', recipients: ['r1'] }), status: { conditions: [] } } },
        SSA,
      );
      expect(main.metadata.generation).toBe(2);
      expect(main.status.conditions).toHaveLength(2);
    });
  });
});

describe('deletion and garbage collection', () => {
  let api: ApiDouble;
  let c: Clients;
  const namespace = 'gc';

  beforeAll(async () => {
    api = await startApiDouble();
    c = clientsFor(api);
    await installCrd(c, ENCRYPTED_SECRETS_CRD);
    await c.core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(() => api.close());

  async function ownerWithSecret(name: string): Promise<{ ref: V1OwnerReference }> {
    const owner = await c.custom.createNamespacedCustomObject({ ...ES, namespace, body: { apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: { name } } });
    const ref = { apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', name, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true };
    await c.core.createNamespacedSecret({ namespace, body: { metadata: { name, ownerReferences: [ref] } } });
    return { ref };
  }

  const secretExists = (name: string) => api.get('v1', 'Secret', namespace, name) !== undefined;

  describe('garbage collection', () => {
    test('background: dependents go shortly after their owner', async () => {
      await ownerWithSecret('bg');
      await c.custom.deleteNamespacedCustomObject({ ...ES, namespace, name: 'bg' });
      await eventually(() => !secretExists('bg'), 5000);
    });

    test('orphan: dependents stay, without the owner reference', async () => {
      await ownerWithSecret('orph');
      await c.custom.deleteNamespacedCustomObject({ ...ES, namespace, name: 'orph', propagationPolicy: 'Orphan' });
      await eventually(() => api.get('gitseal.dev/v1', 'EncryptedSecret', namespace, 'orph') === undefined);
      await sleep(30);
      const s = api.get('v1', 'Secret', namespace, 'orph') as { metadata: { ownerReferences?: unknown } };
      expect(s.metadata.ownerReferences).toBeUndefined();
    });

    test('foreground: the owner waits, marked for deletion, until its dependents are gone', async () => {
      await ownerWithSecret('fg');
      const marked = await c.custom.deleteNamespacedCustomObject({ ...ES, namespace, name: 'fg', propagationPolicy: 'Foreground' });
      expect(marked.metadata).toMatchObject({ finalizers: ['foregroundDeletion'], deletionTimestamp: expect.any(String) });
      await eventually(() => !secretExists('fg') && api.get('gitseal.dev/v1', 'EncryptedSecret', namespace, 'fg') === undefined);
    });

    test('finalizers hold an object until removed; none can be added meanwhile', async () => {
      await c.core.createNamespacedSecret({ namespace, body: { metadata: { name: 'held', finalizers: ['gitseal.dev/cleanup'] } } });
      // Not deleted yet, so the answer is the Secret itself (client-node types it as V1Status regardless).
      const deleting = await c.core.deleteNamespacedSecret({ name: 'held', namespace });
      expect(deleting).toMatchObject({ kind: 'Secret', apiVersion: 'v1' });
      expect(api.get('v1', 'Secret', namespace, 'held')?.metadata).toMatchObject({ deletionTimestamp: expect.any(String), finalizers: ['gitseal.dev/cleanup'] });
      const more = await failure(() =>
        c.core.patchNamespacedSecret({ name: 'held', namespace, body: { metadata: { finalizers: ['gitseal.dev/cleanup', 'x.io/more'] } } }, as(PatchStrategy.MergePatch)),
      );
      expect(more.message).toContain('no new finalizers can be added if the object is being deleted');
      await c.core.patchNamespacedSecret({ name: 'held', namespace, body: { metadata: { finalizers: null } } }, as(PatchStrategy.MergePatch));
      expect(secretExists('held')).toBe(false);
    });

    test('a dependent whose owner never existed is collected; one with a live owner too is only unlinked', async () => {
      const { ref } = await ownerWithSecret('alive');
      const ghost = { ...ref, name: 'ghost', uid: '00000000-0000-0000-0000-000000000000', controller: false };
      await c.core.createNamespacedSecret({ namespace, body: { metadata: { name: 'dangling', ownerReferences: [ghost] } } });
      await c.core.createNamespacedSecret({ namespace, body: { metadata: { name: 'mixed', ownerReferences: [ref, ghost] } } });
      await eventually(() => !secretExists('dangling'));
      await eventually(() => {
        const refs = (api.get('v1', 'Secret', namespace, 'mixed') as { metadata: { ownerReferences?: { name: string }[] } }).metadata.ownerReferences;
        return refs?.length === 1 && refs[0]?.name === 'alive';
      });
    });

    test('deleting a namespace empties it, then removes it; nothing new can be created meanwhile', async () => {
      await c.core.createNamespace({ body: { metadata: { name: 'doomed' } } });
      await c.core.createNamespacedSecret({ namespace: 'doomed', body: { metadata: { name: 's', finalizers: ['gitseal.dev/cleanup'] } } });
      const ns = await c.core.deleteNamespace({ name: 'doomed' });
      expect(ns).toMatchObject({ status: { phase: 'Terminating' } });
      const refused = await failure(() => c.core.createNamespacedSecret({ namespace: 'doomed', body: { metadata: { name: 'late' } } }));
      expect(refused).toMatchObject({ code: 403, reason: 'Forbidden', message: 'secrets "late" is forbidden: unable to create new content in namespace doomed because it is being terminated' });
      await sleep(30);
      expect(api.get('v1', 'Namespace', undefined, 'doomed')).toBeDefined(); // waiting on the Secret's finalizer
      await c.core.patchNamespacedSecret({ name: 's', namespace: 'doomed', body: { metadata: { finalizers: null } } }, as(PatchStrategy.MergePatch));
      await eventually(() => api.get('v1', 'Namespace', undefined, 'doomed') === undefined);
    });
  });
});
