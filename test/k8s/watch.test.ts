import { PatchStrategy, Watch, makeInformer, type V1Secret } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiDouble, type ApiDouble } from './api-double.js';
import { as, b64, clientsFor, eventually, sleep, type Clients } from './harness.js';

let api: ApiDouble;
let c: Clients;

beforeAll(async () => {
  api = await startApiDouble({ bookmarkIntervalMs: 50, historySize: 100, watchList: true });
  c = clientsFor(api);
  await c.core.createNamespace({ body: { metadata: { name: 'w' } } });
});
afterAll(() => api.close());

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  code?: number;
  annotations?: Record<string, string>;
}

/** Opens a raw watch and records its events; `ended` resolves when the server ends the stream. */
async function watchSecrets(query: Record<string, string | number | boolean | undefined>, path = '/api/v1/namespaces/w/secrets') {
  const seen: Seen[] = [];
  let resolveEnd!: (err: unknown) => void;
  const ended = new Promise<unknown>((r) => (resolveEnd = r));
  const ctl = await new Watch(c.kc).watch(
    path,
    query,
    (type, obj: { metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number }) =>
      seen.push({
        type,
        name: obj.metadata?.name,
        rv: obj.metadata?.resourceVersion,
        ...(obj.code ? { code: obj.code } : {}),
        ...(obj.metadata?.annotations ? { annotations: obj.metadata.annotations } : {}),
      }),
    (err) => resolveEnd(err),
  );
  return { seen, ended, stop: () => ctl.abort() };
}

const mk = (name: string, labels?: Record<string, string>) =>
  c.core.createNamespacedSecret({ namespace: 'w', body: { metadata: { name, ...(labels ? { labels } : {}) }, data: { k: b64(name) } } });

describe('watch', () => {
  test('a watch resumes after a resourceVersion, replaying history in order', async () => {
    const list = await c.core.listNamespacedSecret({ namespace: 'w' });
    const rv = list.metadata?.resourceVersion;
    await mk('a');
    await c.core.patchNamespacedSecret({ name: 'a', namespace: 'w', body: { metadata: { labels: { x: 'y' } } } }, as(PatchStrategy.MergePatch));
    await c.core.deleteNamespacedSecret({ name: 'a', namespace: 'w' });
    const w = await watchSecrets({ resourceVersion: rv });
    await mk('b');
    await eventually(() => w.seen.length >= 4);
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a', 'ADDED b']);
    const rvs = w.seen.map((e) => Number(e.rv));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
    w.stop();
  });

  test('resourceVersion "" or "0" starts with the current state as ADDED events', async () => {
    const w = await watchSecrets({ resourceVersion: '0' });
    await eventually(() => w.seen.some((e) => e.name === 'b'));
    expect(w.seen.filter((e) => e.type === 'ADDED').map((e) => e.name)).toEqual(['b']);
    w.stop();
  });

  test('bookmarks carry the current resourceVersion; timeoutSeconds ends the stream', async () => {
    const w = await watchSecrets({ resourceVersion: api.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 1 });
    await eventually(() => w.seen.filter((e) => e.type === 'BOOKMARK').length >= 2);
    await c.core.createNamespace({ body: { metadata: { name: 'elsewhere' } } });
    await eventually(() => w.seen.some((e) => e.type === 'BOOKMARK' && e.rv === api.resourceVersion));
    expect(await w.ended).toBeNull();
  });

  test('sendInitialEvents ends the initial state with an annotated bookmark', async () => {
    const w = await watchSecrets({ sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    await eventually(() => w.seen.some((e) => e.annotations?.['k8s.io/initial-events-end'] === 'true'));
    expect(w.seen[0]).toMatchObject({ type: 'ADDED', name: 'b' });
    w.stop();
  });

  test('selectors apply, with objects entering and leaving the selection', async () => {
    const w = await watchSecrets({ resourceVersion: api.resourceVersion, labelSelector: 'app=x' });
    await mk('s1', { app: 'x' });
    await mk('s2', { app: 'other' });
    await c.core.patchNamespacedSecret({ name: 's1', namespace: 'w', body: { metadata: { labels: { app: 'gone' } } } }, as(PatchStrategy.MergePatch));
    await c.core.patchNamespacedSecret({ name: 's2', namespace: 'w', body: { metadata: { labels: { app: 'x' } } } }, as(PatchStrategy.MergePatch));
    await eventually(() => w.seen.length >= 3);
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED s1', 'DELETED s1', 'ADDED s2']);
    w.stop();
  });

  test('after compact(), an old resourceVersion gets a 410 ERROR event and the stream ends', async () => {
    const old = api.resourceVersion;
    await mk('c1');
    api.compact();
    const w = await watchSecrets({ resourceVersion: old });
    await w.ended;
    expect(w.seen).toEqual([{ type: 'ERROR', code: 410 }]);
    const fresh = await watchSecrets({ resourceVersion: api.resourceVersion });
    await mk('c2');
    await eventually(() => fresh.seen.some((e) => e.name === 'c2'));
    fresh.stop();
  });
});

describe('informer', () => {
  test('keeps its cache across compact() and dropped watches', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'inf' } } });
    const put = (name: string) => c.core.createNamespacedSecret({ namespace: 'inf', body: { metadata: { name } } });
    await put('i1');
    const informer = makeInformer<V1Secret>(c.kc, '/api/v1/namespaces/inf/secrets', () => c.core.listNamespacedSecret({ namespace: 'inf' }));
    const added: string[] = [];
    const deleted: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (s) => added.push(s.metadata?.name ?? ''));
    informer.on('delete', (s) => deleted.push(s.metadata?.name ?? ''));
    // (informer.stop() itself reports an AbortError: client-node's doing, not the server's.)
    informer.on('error', (e) => (e as Error).name === 'AbortError' || errors.push(e));
    await informer.start();
    try {
      const names = () =>
        informer
          .list('inf')
          .map((s) => s.metadata?.name)
          .sort()
          .join(',');
      await eventually(() => names() === 'i1');

      // Dropped watch: the informer re-watches from its last resourceVersion and misses nothing.
      api.dropWatches();
      await put('i2');
      await eventually(() => names() === 'i1,i2');

      // Compaction while the informer is away: resuming from its old resourceVersion gets the
      // 410 ERROR event, so it relists (seeing i1's deletion and i3) and watches again.
      const lists = () => api.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/namespaces/inf/secrets' && !/watch=/.test(r.query)).length;
      const listsBefore = lists();
      await informer.stop();
      await c.core.deleteNamespacedSecret({ name: 'i1', namespace: 'inf' });
      await put('i3');
      api.compact();
      await informer.start();
      await eventually(() => names() === 'i2,i3');
      expect(lists()).toBe(listsBefore + 1);
      expect(deleted).toEqual(['i1']);
      expect(added).toEqual(['i1', 'i2', 'i3']);
      expect(errors).toEqual([]);

      // Compaction under a connected informer, then a dropped watch: it resumes from a resourceVersion
      // the history no longer has (changes elsewhere moved the global counter on), relists, carries on.
      // (An event first, so client-node's reconnect backoff is back at zero.)
      await c.core.patchNamespacedSecret({ name: 'i3', namespace: 'inf', body: { metadata: { labels: { seen: 'yes' } } } }, as(PatchStrategy.MergePatch));
      await eventually(() => informer.get('i3', 'inf')?.metadata?.labels?.seen === 'yes');
      await c.core.createNamespace({ body: { metadata: { name: 'inf-elsewhere' } } });
      api.compact();
      api.dropWatches();
      await put('i4');
      await eventually(() => names() === 'i2,i3,i4', 5000);
      await eventually(() => lists() === listsBefore + 2);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  test('each change reaches an informer as one update', async () => {
    const informer = makeInformer<V1Secret>(c.kc, '/api/v1/namespaces/w/secrets', () => c.core.listNamespacedSecret({ namespace: 'w' }));
    const updates: string[] = [];
    informer.on('update', (s) => updates.push(`${s.metadata?.name}:${s.metadata?.labels?.v ?? ''}`));
    await informer.start();
    try {
      await eventually(() => informer.list('w').length > 0);
      await c.core.patchNamespacedSecret({ name: 'b', namespace: 'w', body: { metadata: { labels: { v: '1' } } } }, as(PatchStrategy.MergePatch));
      await eventually(() => updates.includes('b:1'));
      await sleep(20);
      expect(updates).toEqual(['b:1']);
    } finally {
      await informer.stop();
    }
  });
});
