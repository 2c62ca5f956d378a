import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeStatusError, kubeRest, type KubeRest } from './kube-rest.js';
import { PooledKubeConfig } from './pooled-kube-config.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('kubeRest', () => {
  const seen: Seen[] = [];
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  const kc = new PooledKubeConfig();
  let rest: KubeRest;
  let connections = 0;
  server.on('connection', () => connections++);

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    // A path prefix, as behind Rancher or a kube proxy: requests go below it.
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}/k8s/clusters/c1/`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'canary-token-value' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    rest = kubeRest(kc);
  });
  afterAll(async () => {
    await kc.closePool();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends JSON with the kubeconfig credentials, the content type and the query, below the server path', async () => {
    answer = { status: 200, body: '{"kind":"Secret","metadata":{"name":"a"}}' };
    const out = await rest.call<{ kind: string }>('PATCH', '/api/v1/namespaces/n/secrets/a', { query: { fieldManager: 'gitseal', force: 'true' }, body: { a: 1 }, contentType: 'application/apply-patch+yaml' });
    expect(out.kind).toBe('Secret');
    const s = seen.at(-1)!;
    expect(s.method).toBe('PATCH');
    expect(s.url).toBe('/k8s/clusters/c1/api/v1/namespaces/n/secrets/a?fieldManager=gitseal&force=true');
    expect(s.headers.authorization).toBe('Bearer canary-token-value');
    expect(s.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(s.headers.accept).toBe('application/json');
    expect(JSON.parse(s.body)).toEqual({ a: 1 });
  });

  it('turns a Status answer into a KubeStatusError with its code, reason and message, and the token is not in it', async () => {
    answer = { status: 404, body: JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'secrets "a" not found' }) };
    const e = await rest.call('GET', '/api/v1/namespaces/n/secrets/a').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KubeStatusError);
    expect(e).toMatchObject({ code: 404, reason: 'NotFound' });
    expect((e as Error).message).toContain('secrets "a" not found');
    expect(JSON.stringify(e) + String((e as Error).stack)).not.toContain('canary-token-value');
  });

  it('a 5xx that is not a Status still names the code', async () => {
    answer = { status: 503, body: '<html>upstream down</html>' };
    await expect(rest.call('GET', '/api/v1/namespaces/n/secrets/a')).rejects.toMatchObject({ code: 503, reason: '', message: 'the API server answered 503' });
  });

  it('getOrNull answers null for 404 and the object otherwise; send does not read the answer', async () => {
    answer = { status: 404, body: JSON.stringify({ kind: 'Status', reason: 'NotFound', code: 404 }) };
    expect(await rest.getOrNull('/api/v1/namespaces/n/secrets/a')).toBeNull();
    answer = { status: 200, body: '{"kind":"Secret"}' };
    expect(await rest.getOrNull('/api/v1/namespaces/n/secrets/a')).toEqual({ kind: 'Secret' });
    answer = { status: 500, body: '{"kind":"Status","reason":"InternalError"}' };
    await expect(rest.getOrNull('/api/v1/namespaces/n/secrets/a')).rejects.toMatchObject({ code: 500 });
    answer = { status: 200, body: 'not json: a status patch answers with the whole object, which nobody reads' };
    await expect(rest.send('PATCH', '/apis/g/v1/namespaces/n/x/a/status', { body: { status: {} } })).resolves.toBeUndefined();
    answer = { status: 409, body: '{"kind":"Status","reason":"Conflict","code":409}' };
    await expect(rest.send('PATCH', '/apis/g/v1/namespaces/n/x/a/status', { body: {} })).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('keeps its connections: a hundred requests do not open a hundred', async () => {
    answer = { status: 200, body: '{}' };
    const before = connections;
    for (let i = 0; i < 100; i++) await rest.call('GET', `/api/v1/namespaces/n/secrets/s${i}`);
    expect(connections - before).toBeLessThanOrEqual(2);
  });
});
