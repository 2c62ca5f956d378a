import { PatchStrategy, V1MicroTime, type V1Lease, type V1Secret } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiDouble, type ApiDouble } from './api-double.js';
import { as, b64, clientsFor, failure, type Clients } from './harness.js';

describe('core resources', () => {
  let api: ApiDouble;
  let c: Clients;

  beforeAll(async () => {
    api = await startApiDouble();
    c = clientsFor(api, 'alice');
    await c.core.createNamespace({ body: { metadata: { name: 'crud' } } });
  });
  afterAll(() => api.close());

  const secret = (name: string, data: Record<string, string> = { k: b64('v') }, labels?: Record<string, string>): V1Secret => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, ...(labels ? { labels } : {}) },
    data,
  });

  describe('CRUD through CoreV1Api', () => {
    test('create fills server metadata; read, replace, delete', async () => {
      const created = await c.core.createNamespacedSecret({ namespace: 'crud', body: secret('one') });
      expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.metadata?.namespace).toBe('crud');
      expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
      expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
      expect(created.type).toBe('Opaque');
      expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'kubernetes-client-javascript', operation: 'Update', fieldsType: 'FieldsV1' });
      expect(created.metadata?.managedFields?.[0]?.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:k': {} }, 'f:type': {} });

      const read = await c.core.readNamespacedSecret({ name: 'one', namespace: 'crud' });
      expect(read.data).toEqual({ k: b64('v') });

      read.data = { k: b64('w') };
      const replaced = await c.core.replaceNamespacedSecret({ name: 'one', namespace: 'crud', body: read });
      expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(read.metadata?.resourceVersion));
      expect(replaced.metadata?.uid).toBe(created.metadata?.uid);

      const status = await c.core.deleteNamespacedSecret({ name: 'one', namespace: 'crud' });
      expect(status).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'one', kind: 'secrets' } });
      expect(api.get('v1', 'Secret', 'crud', 'one')).toBeUndefined();
      expect(api.requests.some((r) => r.method === 'DELETE' && r.user === 'alice')).toBe(true);
    });

    test('errors are Status bodies: NotFound, AlreadyExists, stale Conflict, missing namespace', async () => {
      const nf = await failure(() => c.core.readNamespacedSecret({ name: 'nope', namespace: 'crud' }));
      expect(nf).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound', message: 'secrets "nope" not found', details: { name: 'nope', kind: 'secrets' } });

      await c.core.createNamespacedSecret({ namespace: 'crud', body: secret('dup') });
      const dup = await failure(() => c.core.createNamespacedSecret({ namespace: 'crud', body: secret('dup') }));
      expect(dup).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'secrets "dup" already exists' });

      const stale = await c.core.readNamespacedSecret({ name: 'dup', namespace: 'crud' });
      await c.core.patchNamespacedSecret({ name: 'dup', namespace: 'crud', body: { metadata: { labels: { a: 'b' } } } }, as(PatchStrategy.MergePatch));
      const conflict = await failure(() => c.core.replaceNamespacedSecret({ name: 'dup', namespace: 'crud', body: stale }));
      expect(conflict).toMatchObject({ code: 409, reason: 'Conflict' });
      expect(conflict.message).toBe('Operation cannot be fulfilled on secrets "dup": the object has been modified; please apply your changes to the latest version and try again');

      await c.core.deleteNamespacedSecret({ name: 'dup', namespace: 'crud' });
      await c.core.createNamespacedSecret({ namespace: 'crud', body: secret('dup') });
      const recreated = await failure(() => c.core.replaceNamespacedSecret({ name: 'dup', namespace: 'crud', body: stale }));
      expect(recreated.message).toMatch(/^Operation cannot be fulfilled on secrets "dup": Precondition failed: UID in precondition: /);

      const noNs = await failure(() => c.core.createNamespacedSecret({ namespace: 'ghost', body: secret('x') }));
      expect(noNs).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "ghost" not found' });
    });

    test('patch types: merge, JSON patch, strategic merge; 415 otherwise', async () => {
      await c.core.createNamespacedSecret({ namespace: 'crud', body: secret('p', { a: b64('1'), b: b64('2') }) });
      const merged = await c.core.patchNamespacedSecret({ name: 'p', namespace: 'crud', body: { data: { a: null, c: b64('3') } } }, as(PatchStrategy.MergePatch));
      expect(merged.data).toEqual({ b: b64('2'), c: b64('3') });

      const jp = await c.core.patchNamespacedSecret(
        { name: 'p', namespace: 'crud', body: [{ op: 'test', path: '/data/b', value: b64('2') }, { op: 'remove', path: '/data/b' }] },
        as(PatchStrategy.JsonPatch),
      );
      expect(jp.data).toEqual({ c: b64('3') });
      const failedTest = await failure(() =>
        c.core.patchNamespacedSecret({ name: 'p', namespace: 'crud', body: [{ op: 'test', path: '/data/c', value: 'nope' }] }, as(PatchStrategy.JsonPatch)),
      );
      expect(failedTest).toMatchObject({ code: 422 });

      const owner = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'o', uid: 'u-1' }; // a kind not served here: the GC leaves it be
      await c.core.patchNamespacedSecret({ name: 'p', namespace: 'crud', body: { metadata: { finalizers: ['a.io/x'], ownerReferences: [owner] } } }, as(PatchStrategy.MergePatch));
      const smp = await c.core.patchNamespacedSecret(
        { name: 'p', namespace: 'crud', body: { metadata: { finalizers: ['a.io/y'], ownerReferences: [{ ...owner, uid: 'u-2', name: 'o2' }] } } },
        as(PatchStrategy.StrategicMergePatch),
      );
      expect(smp.metadata?.finalizers).toEqual(['a.io/x', 'a.io/y']);
      expect(smp.metadata?.ownerReferences?.map((r) => r.uid)).toEqual(['u-1', 'u-2']);
      await c.core.patchNamespacedSecret({ name: 'p', namespace: 'crud', body: { metadata: { finalizers: null, ownerReferences: null } } }, as(PatchStrategy.MergePatch));

      const bad = await failure(() => c.core.patchNamespacedSecret({ name: 'p', namespace: 'crud', body: {} }, as('application/x-yaml')));
      expect(bad).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    });

    test('list: label and field selectors, pagination, resourceVersion', async () => {
      await c.core.createNamespace({ body: { metadata: { name: 'lists' } } });
      for (const [n, tier] of [['l1', 'web'], ['l2', 'db'], ['l3', 'web'], ['l4', 'cache']] as const) {
        await c.core.createNamespacedSecret({ namespace: 'lists', body: secret(n, undefined, { tier }) });
      }
      const names = (l: { items: V1Secret[] }) => l.items.map((s) => s.metadata?.name);
      expect(names(await c.core.listNamespacedSecret({ namespace: 'lists', labelSelector: 'tier=web' }))).toEqual(['l1', 'l3']);
      expect(names(await c.core.listNamespacedSecret({ namespace: 'lists', labelSelector: 'tier in (db,cache)' }))).toEqual(['l2', 'l4']);
      expect(names(await c.core.listNamespacedSecret({ namespace: 'lists', labelSelector: 'tier!=web,tier' }))).toEqual(['l2', 'l4']);
      expect(names(await c.core.listNamespacedSecret({ namespace: 'lists', fieldSelector: 'metadata.name=l3' }))).toEqual(['l3']);
      expect(names(await c.core.listSecretForAllNamespaces({ fieldSelector: 'metadata.namespace=lists,metadata.name!=l1' }))).toEqual(['l2', 'l3', 'l4']);
      const badField = await failure(() => c.core.listNamespacedSecret({ namespace: 'lists', fieldSelector: 'spec.nope=1' }));
      expect(badField).toMatchObject({ code: 400, reason: 'BadRequest', message: 'field label not supported: spec.nope' });

      const page1 = await c.core.listNamespacedSecret({ namespace: 'lists', limit: 3 });
      expect(names(page1)).toEqual(['l1', 'l2', 'l3']);
      expect(page1.metadata?.remainingItemCount).toBe(1);
      await c.core.createNamespacedSecret({ namespace: 'lists', body: secret('l0') });
      const page2 = await c.core.listNamespacedSecret({ namespace: 'lists', limit: 3, _continue: page1.metadata?._continue });
      expect(names(page2)).toEqual(['l4']); // a consistent snapshot: l0 was created after page 1
      expect(page2.metadata?.resourceVersion).toBe(page1.metadata?.resourceVersion);

      const removed = await c.core.deleteCollectionNamespacedSecret({ namespace: 'lists', labelSelector: 'tier=cache' });
      expect(removed).toMatchObject({ kind: 'SecretList' });
      expect(api.list('v1', 'Secret', 'lists').map((s) => (s.metadata as { name: string }).name)).toEqual(['l0', 'l1', 'l2', 'l3']);

      const exact = await c.core.listNamespacedSecret({ namespace: 'lists', resourceVersion: page1.metadata?.resourceVersion, resourceVersionMatch: 'Exact' });
      expect(names(exact)).toEqual(['l1', 'l2', 'l3', 'l4']);
      api.compact();
      const gone = await failure(() => c.core.listNamespacedSecret({ namespace: 'lists', resourceVersion: page1.metadata?.resourceVersion, resourceVersionMatch: 'Exact' }));
      expect(gone).toMatchObject({ code: 410, reason: 'Expired' });
    });

    test('generateName, dryRun, injected failures, request log', async () => {
      const g = await c.core.createNamespacedSecret({ namespace: 'crud', body: { metadata: { generateName: 'gen-' } } });
      expect(g.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
      const before = api.resourceVersion;
      const dry = await c.core.createNamespacedSecret({ namespace: 'crud', body: secret('dry'), dryRun: 'All' });
      expect(dry.metadata?.name).toBe('dry');
      expect(api.get('v1', 'Secret', 'crud', 'dry')).toBeUndefined();
      expect(api.resourceVersion).toBe(before);

      api.setFailure({ method: 'GET', pathRegex: /\/secrets\/dry$/, status: 503, times: 1 });
      expect(await failure(() => c.core.readNamespacedSecret({ name: 'dry', namespace: 'crud' }))).toMatchObject({ code: 503, reason: 'ServiceUnavailable' });
      expect(await failure(() => c.core.readNamespacedSecret({ name: 'dry', namespace: 'crud' }))).toMatchObject({ code: 404 });

      const writes = api.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/crud/secrets');
      expect(writes.at(-1)).toMatchObject({ contentType: 'application/json', userAgent: expect.stringMatching(/^kubernetes-client-javascript\//) });
    });

    test('a no-op update does not write', async () => {
      await c.core.createNamespacedSecret({ namespace: 'crud', body: secret('same') });
      const live = await c.core.readNamespacedSecret({ name: 'same', namespace: 'crud' });
      const again = await c.core.replaceNamespacedSecret({ name: 'same', namespace: 'crud', body: live });
      expect(again.metadata?.resourceVersion).toBe(live.metadata?.resourceVersion);
      const patched = await c.core.patchNamespacedSecret({ name: 'same', namespace: 'crud', body: { data: { k: b64('v') } } }, as(PatchStrategy.MergePatch));
      expect(patched.metadata?.resourceVersion).toBe(live.metadata?.resourceVersion);
    });
  });
});

describe('Secret validation rules', () => {
  let api: ApiDouble;
  let c: Clients;
  const namespace = 'default';

  beforeAll(async () => {
    api = await startApiDouble();
    c = clientsFor(api);
  });
  afterAll(() => api.close());

  const create = (body: Record<string, unknown>) => c.core.createNamespacedSecret({ namespace, body });

  describe('Secret validation', () => {
    test('names must be DNS-1123 subdomains of at most 253 characters', async () => {
      const bad = await failure(() => create({ metadata: { name: 'Bad_Name' } }));
      expect(bad).toMatchObject({ code: 422, reason: 'Invalid', details: { name: 'Bad_Name', kind: 'Secret' } });
      expect(bad.message).toMatch(/^Secret "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
      expect(bad.details?.causes?.[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
      const long = await failure(() => create({ metadata: { name: 'a'.repeat(254) } }));
      expect(long.message).toContain('must be no more than 253 characters');
      await expect(create({ metadata: { name: `${'a'.repeat(63)}.${'b'.repeat(63)}` } })).resolves.toBeTruthy();
      const missing = await failure(() => create({ metadata: {} }));
      expect(missing.message).toContain('metadata.name: Required value: name or generateName is required');
    });

    test('data keys must be config keys', async () => {
      const bad = await failure(() => create({ metadata: { name: 'keys' }, data: { 'bad key': b64('x'), '..dots': b64('y') } }));
      expect(bad.code).toBe(422);
      expect(bad.details?.causes?.map((x) => x.field)).toEqual(['data[bad key]', 'data[..dots]']);
      expect(bad.message).toContain("a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
      await expect(create({ metadata: { name: 'keys' }, data: { 'ok.key_-1': b64('x') } })).resolves.toBeTruthy();
    });

    test('data values must be base64 (a decode error: 400, as the real apiserver)', async () => {
      const bad = await failure(() => create({ metadata: { name: 'b64' }, data: { k: 'not base64!' } }));
      expect(bad).toMatchObject({ code: 400, reason: 'BadRequest' });
      expect(bad.message).toBe('Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
      const unpadded = await failure(() => create({ metadata: { name: 'b64' }, data: { k: 'YQ' } }));
      expect(unpadded.code).toBe(400);
    });

    test('stringData is merged into data and never stored', async () => {
      const s = await create({ metadata: { name: 'sd' }, data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new', c: 'plain' } });
      expect(s.data).toEqual({ a: b64('new'), b: b64('keep'), c: b64('plain') });
      expect(s.stringData).toBeUndefined();
      expect(api.get('v1', 'Secret', namespace, 'sd')?.stringData).toBeUndefined();
      const patched = await c.core.patchNamespacedSecret({ name: 'sd', namespace, body: { stringData: { d: 'x' } } }, as(PatchStrategy.MergePatch));
      expect(patched.data?.d).toBe(b64('x'));
    });

    test('total data size is capped at 1 MiB', async () => {
      const half = Buffer.alloc(512 * 1024, 1).toString('base64');
      await expect(create({ metadata: { name: 'big-ok' }, data: { a: half, b: Buffer.alloc(512 * 1024 - 1, 1).toString('base64') } })).resolves.toBeTruthy();
      const big = await failure(() => create({ metadata: { name: 'big' }, data: { a: half, b: Buffer.alloc(512 * 1024 + 1, 1).toString('base64') } }));
      expect(big).toMatchObject({ code: 422, message: 'Secret "big" is invalid: data: Too long: must have at most 1048576 bytes' });
    });

    test('typed secrets need their keys', async () => {
      const tls = await failure(() => create({ metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }));
      expect(tls.details?.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'data[tls.key]' }]);
      const dcj = await failure(() => create({ metadata: { name: 'dcj' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{nope') } }));
      expect(dcj.details?.causes?.[0]?.field).toBe('data[.dockerconfigjson]');
    });

    test('type is immutable', async () => {
      await create({ metadata: { name: 'typed' }, type: 'example.com/custom' });
      const bad = await failure(() => c.core.patchNamespacedSecret({ name: 'typed', namespace, body: { type: 'Opaque' } }, as(PatchStrategy.MergePatch)));
      expect(bad).toMatchObject({ code: 422, message: 'Secret "typed" is invalid: type: Invalid value: "Opaque": field is immutable' });
    });

    test('immutable Secrets refuse data, stringData and immutable changes but allow metadata', async () => {
      await create({ metadata: { name: 'frozen' }, data: { a: b64('1') }, immutable: true });
      const patch = (body: Record<string, unknown>) => c.core.patchNamespacedSecret({ name: 'frozen', namespace, body }, as(PatchStrategy.MergePatch));
      const data = await failure(() => patch({ data: { a: b64('2') } }));
      expect(data).toMatchObject({ code: 422, message: 'Secret "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set' });
      expect((await failure(() => patch({ stringData: { b: 'x' } }))).details?.causes?.[0]?.field).toBe('data');
      expect((await failure(() => patch({ immutable: false }))).details?.causes?.[0]?.field).toBe('immutable');
      const labelled = await patch({ metadata: { labels: { ok: 'yes' } } });
      expect(labelled.metadata?.labels).toEqual({ ok: 'yes' });
      await c.core.deleteNamespacedSecret({ name: 'frozen', namespace });
    });

    test('labels and annotations are validated', async () => {
      const bad = await failure(() => create({ metadata: { name: 'lbl', labels: { 'bad key!': 'x', ok: 'bad value!' } } }));
      expect(bad.details?.causes?.map((x) => x.field)).toEqual(['metadata.labels', 'metadata.labels']);
    });
  });
});

describe('coordination and events', () => {
  let api: ApiDouble;
  let a: Clients;
  let b: Clients;
  const namespace = 'kube-system';

  beforeAll(async () => {
    api = await startApiDouble();
    a = clientsFor(api, 'replica-a');
    b = clientsFor(api, 'replica-b');
  });
  afterAll(() => api.close());

  describe('Leases', () => {
    test('compare-and-swap: of two replicas acting on the same version, one wins and one gets 409', async () => {
      const lease: V1Lease = { metadata: { name: 'gitseal-controller' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: new V1MicroTime(), renewTime: new V1MicroTime(), leaseTransitions: 0 } };
      await a.coordination.createNamespacedLease({ namespace, body: lease });
      const seenByA = await a.coordination.readNamespacedLease({ name: 'gitseal-controller', namespace });
      const seenByB = await b.coordination.readNamespacedLease({ name: 'gitseal-controller', namespace });

      seenByA.spec = { ...seenByA.spec, renewTime: new V1MicroTime() };
      const renewed = await a.coordination.replaceNamespacedLease({ name: 'gitseal-controller', namespace, body: seenByA });
      expect(Number(renewed.metadata?.resourceVersion)).toBeGreaterThan(Number(seenByA.metadata?.resourceVersion));

      seenByB.spec = { ...seenByB.spec, holderIdentity: 'b', leaseTransitions: 1 };
      const lost = await failure(() => b.coordination.replaceNamespacedLease({ name: 'gitseal-controller', namespace, body: seenByB }));
      expect(lost).toMatchObject({ code: 409, reason: 'Conflict', message: expect.stringContaining('leases.coordination.k8s.io "gitseal-controller"') });
      expect((await b.coordination.readNamespacedLease({ name: 'gitseal-controller', namespace })).spec?.holderIdentity).toBe('a');
    });

    test('MicroTime fields need six fractional digits (a plain Date is refused, as by the real apiserver)', async () => {
      const plain = await failure(() => a.coordination.createNamespacedLease({ namespace, body: { metadata: { name: 'plain' }, spec: { renewTime: new Date() } } }));
      expect(plain).toMatchObject({ code: 400, reason: 'BadRequest' });
      expect(plain.message).toMatch(/^Lease in version "v1" cannot be handled as a Lease: parsing time/);
      const bad = await failure(() => a.coordination.createNamespacedLease({ namespace, body: { metadata: { name: 'neg' }, spec: { leaseDurationSeconds: 0 } } }));
      expect(bad.details?.causes?.[0]).toMatchObject({ field: 'spec.leaseDurationSeconds' });
    });
  });

  describe('Events', () => {
    const regarding = { apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', name: 'db', namespace: 'default', uid: 'u-1' };

    test('events.k8s.io/v1 validates strictly and shares storage with core/v1', async () => {
      const incomplete = await failure(() => a.events.createNamespacedEvent({ namespace: 'default', body: { metadata: { name: 'e0' }, eventTime: new V1MicroTime(), reason: 'Synced' } }));
      expect(incomplete).toMatchObject({ code: 422 });
      expect(incomplete.details?.causes?.map((x) => x.field)).toEqual(expect.arrayContaining(['reportingController', 'reportingInstance', 'action']));

      await a.events.createNamespacedEvent({
        namespace: 'default',
        body: {
          metadata: { name: 'db.1' },
          eventTime: new V1MicroTime(),
          reportingController: 'gitseal.dev/controller',
          reportingInstance: 'gitseal-0',
          action: 'Decrypt',
          reason: 'Synced',
          type: 'Normal',
          note: 'decrypted 3 keys',
          regarding,
        },
      });
      const core = await a.core.readNamespacedEvent({ name: 'db.1', namespace: 'default' });
      expect(core).toMatchObject({ message: 'decrypted 3 keys', reportingComponent: 'gitseal.dev/controller', involvedObject: { name: 'db', kind: 'EncryptedSecret' } });
      const byField = await a.events.listNamespacedEvent({ namespace: 'default', fieldSelector: 'regarding.name=db,reason=Synced' });
      expect(byField.items.map((e) => e.note)).toEqual(['decrypted 3 keys']);
    });

    test('core/v1 events keep their legacy rules', async () => {
      const now = new Date();
      const e = await a.core.createNamespacedEvent({
        namespace: 'default',
        body: { metadata: { name: 'db.2' }, involvedObject: regarding, reason: 'Failed', message: 'no key', type: 'Warning', count: 1, firstTimestamp: now, lastTimestamp: now, source: { component: 'gitseal' } },
      });
      expect(e.count).toBe(1);
      const mismatch = await failure(() =>
        a.core.createNamespacedEvent({ namespace: 'default', body: { metadata: { name: 'db.3' }, involvedObject: { ...regarding, namespace: 'other' }, reason: 'X' } }),
      );
      expect(mismatch.details?.causes?.[0]).toMatchObject({ field: 'involvedObject.namespace' });
      const list = await a.core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.uid=u-1,type=Warning' });
      expect(list.items.map((x) => x.metadata?.name)).toEqual(['db.2']);
    });
  });
});
