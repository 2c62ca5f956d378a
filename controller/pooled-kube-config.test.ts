import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_HOSTS, makeDevCa, type DevCa } from '../kms/service/dev-pki.js';
import { PooledKubeConfig } from './pooled-kube-config.js';

/** A server answering every request with an empty Secret, counting the connections (TLS or TCP) it accepted. */
async function countingServer(make: () => Server, event: 'secureConnection' | 'connection'): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const server = make();
  let connections = 0;
  server.on(event, () => connections++);
  server.on('request', (req, res) => {
    const name = (req.url ?? '').split('/').pop()?.split('?')[0] ?? '';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const scheme = event === 'secureConnection' ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function load(kc: KubeConfig, cluster: Record<string, unknown>, user: Record<string, unknown>): void {
  kc.loadFromOptions({
    clusters: [{ name: 'c', ...cluster }],
    users: [{ name: 'u', token: 'not-a-secret', ...user }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
}

async function readMany(kc: KubeConfig, n: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  for (let i = 0; i < n; i++) await core.readNamespacedSecret({ namespace: 'default', name: `s${i}` });
}

describe('PooledKubeConfig', () => {
  let ca: DevCa;
  let dir: string;
  beforeAll(async () => {
    ca = await makeDevCa('pool test CA', 1);
    dir = mkdtempSync(join(tmpdir(), 'gitseal-pool-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reuses one TLS connection for sequential requests, where client-node as it comes makes one per request', async () => {
    const serverPem = await ca.issue('127.0.0.1', 'server', LOCAL_HOSTS);
    const server = await countingServer(() => createHttpsServer({ cert: serverPem.cert, key: serverPem.key }), 'secureConnection');
    try {
      const cluster = { server: server.url, caData: Buffer.from(ca.ca.cert).toString('base64') };
      const stock = new KubeConfig();
      load(stock, cluster, {});
      await readMany(stock, 10);
      expect(server.connections()).toBe(10); // the defect this class exists for; if client-node fixes it, this says so

      const pooled = new PooledKubeConfig();
      load(pooled, cluster, {});
      await readMany(pooled, 10);
      // undici may open a second connection while the first response is being read; never one per request.
      expect(server.connections() - 10).toBeLessThanOrEqual(2);
      await pooled.closePool();
    } finally {
      await server.close();
    }
  });

  it('reuses one connection for plain http with insecure-skip-tls-verify', async () => {
    const server = await countingServer(() => createHttpServer(), 'connection');
    try {
      const pooled = new PooledKubeConfig();
      load(pooled, { server: server.url, skipTLSVerify: true }, {});
      await readMany(pooled, 10);
      expect(server.connections()).toBeLessThanOrEqual(2);
      await pooled.closePool();
    } finally {
      await server.close();
    }
  });

  it('opens a new pool when a client certificate file is rotated, and the old certificate is no longer presented', async () => {
    const serverPem = await ca.issue('127.0.0.1', 'server', LOCAL_HOSTS);
    const seen: string[] = [];
    const server = await countingServer(() => {
      const s = createHttpsServer({ cert: serverPem.cert, key: serverPem.key, ca: ca.ca.cert, requestCert: true, rejectUnauthorized: true });
      s.on('secureConnection', (socket) => seen.push(String(socket.getPeerCertificate().subject?.CN)));
      return s;
    }, 'secureConnection');
    try {
      const certFile = join(dir, 'client.crt');
      const keyFile = join(dir, 'client.key');
      const first = await ca.issue('first', 'client');
      writeFileSync(certFile, first.cert);
      writeFileSync(keyFile, first.key);
      const pooled = new PooledKubeConfig();
      load(pooled, { server: server.url, caData: Buffer.from(ca.ca.cert).toString('base64') }, { certFile, keyFile, token: undefined });
      await readMany(pooled, 3);
      const before = seen.length;
      const second = await ca.issue('second', 'client');
      writeFileSync(certFile, second.cert);
      writeFileSync(keyFile, second.key);
      await readMany(pooled, 3);
      expect(new Set(seen.slice(0, before))).toEqual(new Set(['first']));
      expect(new Set(seen.slice(before))).toEqual(new Set(['second']));
      expect(seen.length).toBeLessThanOrEqual(4);
      await pooled.closePool();
    } finally {
      await server.close();
    }
  });
});
