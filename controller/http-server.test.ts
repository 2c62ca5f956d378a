import { afterEach, describe, expect, it } from 'vitest';
import { Counter, Registry } from '../runtime/metrics.js';
import { startHttpListener, type HttpListener } from './http-server.js';

const registry = new Registry();
registry.add(new Counter('gitseal_controller_reconcile_total', 'Reconciles')).inc({ result: 'applied' });
const open: HttpListener[] = [];
const listen = async (...args: Parameters<typeof startHttpListener>) => {
  const l = await startHttpListener(...args);
  open.push(l);
  return (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${l.port}${path}`, { headers });
};

afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
});

describe('the controller HTTP listeners', () => {
  it('one listener serves /metrics and the probes, as before', async () => {
    const get = await listen({ metrics: { registry }, health: { ready: () => null } }, '127.0.0.1', 0);
    expect(await (await get('/metrics')).text()).toContain('gitseal_controller_reconcile_total{result="applied"} 1');
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
  });

  it('a probes-only listener has no /metrics, and a metrics-only one no probes', async () => {
    const probes = await listen({ health: { ready: () => 'informers have not synced yet' } }, '127.0.0.1', 0);
    expect((await probes('/metrics')).status).toBe(404);
    expect((await probes('/healthz')).status).toBe(200);
    const notReady = await probes('/readyz');
    expect([notReady.status, await notReady.text()]).toEqual([503, 'informers have not synced yet\n']);
    const metrics = await listen({ metrics: { registry } }, '127.0.0.1', 0);
    expect((await metrics('/healthz')).status).toBe(404);
    expect((await metrics('/readyz')).status).toBe(404);
    expect((await metrics('/metrics')).status).toBe(200);
  });

  it('with a token, /metrics answers 401 to a scrape without it or with another, and the metrics to the right one', async () => {
    let token = 'scrape-token-1';
    const get = await listen({ metrics: { registry, token: () => token }, health: { ready: () => null } }, '127.0.0.1', 0);
    const none = await get('/metrics');
    expect([none.status, none.headers.get('www-authenticate'), await none.text()]).toEqual([401, 'Bearer realm="gitseal-controller"', '']);
    expect((await get('/metrics', { authorization: 'Bearer scrape-token-2' })).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Basic c2NyYXBlLXRva2VuLTE=' })).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer scrape-token-1' })).status).toBe(200);
    // Read for each scrape: a rotated token takes effect without a restart.
    token = 'scrape-token-2';
    expect((await get('/metrics', { authorization: 'Bearer scrape-token-1' })).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer scrape-token-2' })).status).toBe(200);
    // The probes need no token: the kubelet has none.
    expect((await get('/readyz')).status).toBe(200);
  });

  it('a token that cannot be read refuses every scrape (503), rather than serving without one', async () => {
    const get = await listen({ metrics: { registry, token: () => { throw new Error('ENOENT'); } } }, '127.0.0.1', 0);
    expect((await get('/metrics', { authorization: 'Bearer anything' })).status).toBe(503);
  });

  it('an empty token matches nothing', async () => {
    const get = await listen({ metrics: { registry, token: () => '' } }, '127.0.0.1', 0);
    expect((await get('/metrics', { authorization: 'Bearer ' })).status).toBe(401);
  });
});
