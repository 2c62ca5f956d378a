/** The conformance comparison itself: it must catch what it claims to check, and let through only what was redacted. */
import { describe, expect, test } from 'vitest';
import { compareBodies, type CompareContext } from './conformance/compare.js';
import { RvMap } from './conformance/rv-map.js';
import { compareWatch } from './conformance/watch-compare.js';

const ctx = (): CompareContext => ({ rv: new RvMap(), keptUids: new Set(['11111111-2222-3333-4444-555555555555']) });
const secret = (rv: string, extra: Record<string, unknown> = {}) => ({ kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', resourceVersion: rv, ...extra } });
const token = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('conformance comparison', () => {
  test('key order counts', () => {
    expect(compareBodies({ a: 1, b: 2 }, { a: 1, b: 2 }, ctx())).toEqual([]);
    expect(compareBodies({ a: 1, b: 2 }, { b: 2, a: 1 }, ctx())).toEqual(['(body): keys in order ["b","a"] where ["a","b"] was recorded']);
  });

  test('only redacted values are masked', () => {
    const c = ctx();
    const recorded = { uid: '<uid>', creationTimestamp: '<time>', owner: '11111111-2222-3333-4444-555555555555', msg: 'UID in record (<uid>), (*bool)(0xc0001)' };
    const same = { uid: 'a8c7e9d2-0f6f-4bfa-8075-f10de690c43b', creationTimestamp: '2026-01-02T03:04:05Z', owner: recorded.owner, msg: 'UID in record (a8c7e9d2-0f6f-4bfa-8075-f10de690c43b), (*bool)(0xc00ff)' };
    expect(compareBodies(recorded, same, c)).toEqual([]);
    const other = { ...same, uid: 'x', creationTimestamp: 'yesterday', owner: 'a8c7e9d2-0f6f-4bfa-8075-f10de690c43b' };
    expect(compareBodies(recorded, other, c)).toHaveLength(3);
  });

  test('resourceVersions must keep their relations', () => {
    const c = ctx();
    expect(compareBodies(secret('200'), secret('7'), c)).toEqual([]);
    expect(compareBodies(secret('200'), secret('7'), c)).toEqual([]);
    expect(compareBodies(secret('200'), secret('8'), c)).toHaveLength(1); // same recorded version, another one here
    expect(compareBodies(secret('205'), secret('7'), c)).toHaveLength(1); // a write that did not change the version
    expect(compareBodies(secret('190'), secret('9'), c)).toHaveLength(1); // out of order
    expect(compareBodies(secret('205'), secret('9'), c)).toEqual([]);
    const list = (rv: string) => ({ kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: rv } });
    expect(compareBodies(list('210'), list('9'), c)).toEqual([]); // a list may collapse with the last write
    expect(c.rv.toDouble('205', 12)).toBe('9');
    expect(c.rv.toDouble('230', 12)).toBe('12');
    expect(c.rv.toDouble('999999999', 12)).toBe('999999999');
    expect(c.rv.toDouble('1', 12)).toBe('1');
  });

  test('continue tokens are compared decoded, their version through the pairs', () => {
    const c = ctx();
    const list = (t: string) => ({ kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: '5', continue: t } });
    const rec = list(token({ v: 'meta.k8s.io/v1', rv: 253, start: 'w-2\u0000' }));
    expect(compareBodies({ ...rec, metadata: { ...rec.metadata, resourceVersion: '253' } }, list(token({ v: 'meta.k8s.io/v1', rv: 5, start: 'w-2\u0000' })), c)).toEqual([]);
    expect(compareBodies(rec, list(token({ v: 'meta.k8s.io/v1', rv: 5, start: 'ns/w-2' })), c)).toHaveLength(1);
  });

  test('managedFields entries are matched by identity, and must be in the apiserver order', () => {
    const entry = (manager: string, operation: string) => ({ manager, operation, apiVersion: 'v1', time: '<time>', fieldsType: 'FieldsV1', fieldsV1: {} });
    const real = (manager: string, operation: string, time: string) => ({ ...entry(manager, operation), time });
    const recorded = secret('1', { managedFields: [entry('a', 'Apply'), entry('b', 'Update')] });
    expect(compareBodies(recorded, secret('1', { managedFields: [real('a', 'Apply', '2026-01-01T00:00:09Z'), real('b', 'Update', '2026-01-01T00:00:01Z')] }), ctx())).toEqual([]);
    expect(compareBodies(recorded, secret('1', { managedFields: [real('b', 'Update', '2026-01-01T00:00:01Z'), real('a', 'Apply', '2026-01-01T00:00:09Z')] }), ctx())).toHaveLength(1);
    expect(compareBodies(recorded, secret('1', { managedFields: [real('a', 'Apply', '2026-01-01T00:00:09Z')] }), ctx())).toHaveLength(1);
  });

  test('watches: events in order, bookmarks by shape, how the stream ended', () => {
    const ev = (type: string, name: string, rv: string) => ({ type, object: { kind: 'Secret', apiVersion: 'v1', metadata: { name, resourceVersion: rv } } });
    const mark = (rv: string) => ({ type: 'BOOKMARK', object: { kind: 'Secret', apiVersion: 'v1', metadata: { resourceVersion: rv, creationTimestamp: null } } });
    const recorded = { events: [ev('ADDED', 'a', '10'), ev('DELETED', 'a', '11'), mark('11')], how: 'end', fromCurrentState: false };
    expect(compareWatch(recorded, { lines: [ev('ADDED', 'a', '3'), mark('3'), ev('DELETED', 'a', '4'), mark('4')], how: 'end' }, ctx(), mark('0'))).toEqual([]);
    expect(compareWatch(recorded, { lines: [ev('ADDED', 'a', '3'), ev('DELETED', 'a', '4')], how: 'end' }, ctx(), mark('0'))).toEqual(['no BOOKMARK where the recording has one']);
    const bad = { type: 'BOOKMARK', object: { kind: 'Secret', apiVersion: 'v1', metadata: { resourceVersion: '4' } } };
    expect(compareWatch(recorded, { lines: [ev('ADDED', 'a', '3'), ev('DELETED', 'a', '4'), bad], how: 'aborted' }, ctx(), mark('0')).length).toBeGreaterThanOrEqual(3);
    const initial = { events: [ev('ADDED', 'b', '2'), ev('ADDED', 'a', '1')], how: 'end', fromCurrentState: true };
    expect(compareWatch(initial, { lines: [ev('ADDED', 'a', '5'), ev('ADDED', 'b', '6')], how: 'end' }, ctx(), mark('0'))).toEqual([]);
  });
});
