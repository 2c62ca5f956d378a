import { describe, expect, it, vi } from 'vitest';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { appliedMetadataKeys, hasLegacyEntry } from './managed-fields.js';
import { dataDigest, pagedList, SlimmingWatch, slimEncryptedSecret, slimSecret } from './slim-objects.js';

describe('slim cache objects', () => {
  it('a data digest ignores key order and tells any change of key or value', () => {
    expect(dataDigest({ a: 'QQ==', b: 'Qg==' })).toBe(dataDigest({ b: 'Qg==', a: 'QQ==' }));
    expect(dataDigest({ a: 'QQ==' })).not.toBe(dataDigest({ a: 'Qg==' }));
    expect(dataDigest({ ab: 'c' })).not.toBe(dataDigest({ a: 'bc' }));
    expect(dataDigest(undefined)).toBe(dataDigest({}));
  });

  it('a Secret keeps its metadata, the controller owner, what gitseal reads of its own managedFields, and a digest instead of its data', () => {
    const whole = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'payments',
        uid: 'u1',
        resourceVersion: '7',
        labels: { app: 'db' },
        creationTimestamp: '2026-01-01T00:00:00Z',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'other', uid: 'o' },
          { apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', name: 'db', uid: 'cr1', controller: true, blockOwnerDeletion: true },
        ],
        managedFields: [
          { manager: 'gitseal', operation: 'Apply', time: 'x', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:password': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:ownerReferences': {} } } },
          { manager: 'gitseal', operation: 'Update', fieldsV1: { 'f:data': {} } },
          { manager: 'kubectl', operation: 'Update' },
        ],
      },
      type: 'Opaque',
      data: { password: 'cHc=' },
    };
    const s = slimSecret(whole as never);
    expect(s).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'payments',
        uid: 'u1',
        resourceVersion: '7',
        labels: { app: 'db' },
        ownerReferences: [{ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', name: 'db', uid: 'cr1', controller: true }],
        managedFields: [
          { manager: 'gitseal', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } } } },
          { manager: 'gitseal', operation: 'Update' },
        ],
      },
      type: 'Opaque',
      dataDigest: dataDigest({ password: 'cHc=' }),
    });
    // What the reconciler reads of managedFields is the same slim or whole.
    for (const field of ['labels', 'annotations'] as const) expect(appliedMetadataKeys(s.metadata.managedFields, field)).toEqual(appliedMetadataKeys(whole.metadata.managedFields, field));
    expect(hasLegacyEntry(s.metadata.managedFields)).toBe(true);
    expect(slimSecret(s)).toEqual(s); // slimming twice keeps the digest
  });

  it('an EncryptedSecret keeps its identity, generation and Ready, not the spec, the other conditions or managedFields', () => {
    const o = slimEncryptedSecret({
      apiVersion: 'gitseal.dev/v1',
      kind: 'EncryptedSecret',
      metadata: { name: 'db', namespace: 'n', uid: 'u', resourceVersion: '3', generation: 2, annotations: { big: 'x'.repeat(1000) }, managedFields: [{}] } as never,
      spec: { layout: 'v1.x' },
      status: { observedGeneration: 2, conditions: [{ type: 'Stalled', status: 'False' } as never, { type: 'Ready', status: 'True', message: 'm' } as never] },
    });
    expect(o).toEqual({ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', metadata: { name: 'db', namespace: 'n', uid: 'u', resourceVersion: '3', generation: 2 }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  });

  it('SlimmingWatch slims ADDED, MODIFIED and DELETED objects, shows the whole one first, and passes errors and bookmarks on', async () => {
    const seen: [string, unknown][] = [];
    const whole: unknown[] = [];
    const w = new SlimmingWatch(new KubeConfig(), (o: { metadata: { name: string } }) => ({ metadata: { name: o.metadata.name }, slim: true }) as never, (o) => whole.push(o));
    // Client-node's own watch would open a request: take the callback it is handed instead.
    let callback: ((phase: string, obj: unknown) => void) | undefined;
    const parent = vi.spyOn(Watch.prototype, 'watch').mockImplementation((_p, _q, cb) => {
      callback = cb;
      return Promise.resolve(new AbortController());
    });
    await w.watch('/x', {}, (phase, obj) => seen.push([phase, obj]), () => undefined);
    const obj = { metadata: { name: 'a', resourceVersion: '1' }, spec: {} };
    callback!('ADDED', obj);
    callback!('BOOKMARK', { metadata: { resourceVersion: '2' } });
    callback!('ERROR', { kind: 'Status', code: 410 });
    callback!('DELETED', obj);
    expect(seen).toEqual([
      ['ADDED', { metadata: { name: 'a' }, slim: true }],
      ['BOOKMARK', { metadata: { resourceVersion: '2' } }],
      ['ERROR', { kind: 'Status', code: 410 }],
      ['DELETED', { metadata: { name: 'a' }, slim: true }],
    ]);
    expect(whole).toEqual([obj, obj]);
    parent.mockRestore();
  });

  it('lists in pages, following both spellings of the continue token, and keeps the resourceVersion', async () => {
    const pages = [
      { items: [{ metadata: { name: 'a' } }], metadata: { continue: 't1', resourceVersion: '10' } },
      { items: [{ metadata: { name: 'b' } }], metadata: { _continue: 't2', resourceVersion: '10' } },
      { items: [{ metadata: { name: 'c' } }], metadata: { resourceVersion: '10' } },
    ];
    const asked: (string | undefined)[] = [];
    const list = await pagedList(
      async (cont, limit) => {
        expect(limit).toBe(2);
        asked.push(cont);
        return pages[asked.length - 1]!;
      },
      (o) => ({ ...o, slim: true }),
      2,
    );
    expect(asked).toEqual([undefined, 't1', 't2']);
    expect(list).toEqual({ items: ['a', 'b', 'c'].map((name) => ({ metadata: { name }, slim: true })), metadata: { resourceVersion: '10' } });
  });
});
