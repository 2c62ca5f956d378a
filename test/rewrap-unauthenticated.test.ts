/**
 * Unauthenticated callers against the real rewrap service (issue 15,
 * finding 3): a junk bearer token is refused before its body is read, so
 * bodies do not pile up in memory, and a flood of bad tokens from one
 * address meets 429 after a low threshold, then has its connections closed
 * before the TLS handshake until its budget refills, and leaves counted
 * audit records, while a legitimate caller goes on being served.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64url } from '../core/bytes.js';
import { x25519Ephemeral } from '../core/crypto/recipients/x25519.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { loadSigningKey, signRequest } from '../kms/auth/request-signature.js';
import { readAudit, startTestService, type TestService } from './helpers/rewrap-service.js';

const POLICY = `gitseal-policy: 1
rules:
  - subjects: ["dev:alice"]
    scopes: ["payments/*"]
    operations: [rewrap]
`;
const BODY_BYTES = 2 * 1024 * 1024;
const JUNK = { authorization: 'Bearer junk.junk.junk', 'content-type': 'application/json' };

describe('rewrap service against unauthenticated callers', () => {
  let svc: TestService;
  let ca: Buffer;

  beforeAll(async () => {
    svc = await startTestService({
      developers: ['alice'],
      policy: POLICY,
      extra: `limits: {maxBodyBytes: ${4 * BODY_BYTES}, failedAuth: {rate: 1, burst: 10}}`,
    });
    ca = readFileSync(svc.caFile);
  });
  afterAll(async () => {
    await svc?.close();
  });

  /** The legitimate caller comes from another loopback address than the flood, as it would from another host. */
  const LEGIT_ADDRESS = '127.0.0.2';
  const options = (headers: Record<string, string>, localAddress = '127.0.0.1'): RequestOptions => ({ method: 'POST', ca, headers, agent: false, localAddress });

  function getMetrics(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const req = request(`${svc.url}/metrics`, { ...options({}, LEGIT_ADDRESS), method: 'GET' }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
  }
  const refusedConnections = (metrics: string): number => Number(/^gitseal_connections_refused_total (\d+)$/m.exec(metrics)?.[1] ?? 0);

  /** Whether the request's connection got through its TLS handshake; tracked from the request's start. */
  const handshakes = new WeakMap<ClientRequest, boolean>();
  const tracked = (req: ClientRequest): ClientRequest => {
    handshakes.set(req, false);
    req.on('socket', (socket) => socket.once('secureConnect', () => handshakes.set(req, true)));
    return req;
  };
  const secured = (req: ClientRequest): boolean => handshakes.get(req) === true;

  /** One POST with a junk token: its status, or 'dropped' when the connection was closed before the TLS handshake. */
  function junkPost(): Promise<number | 'dropped'> {
    return new Promise((resolve, reject) => {
      const req = tracked(request(`${svc.url}/v1/rewrap`, options(JUNK), (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }));
      req.on('error', (e) => (secured(req) ? reject(e) : resolve('dropped')));
      req.end('{}');
    });
  }

  /** Sends the headers and a first slice of `body`, and the rest only once asked; resolves with the status and whether the body was all sent by then. */
  function refusedEarly(body: Buffer): Promise<{ status: number | 'dropped'; sentAll: boolean }> {
    return new Promise((resolve, reject) => {
      let sentAll = false;
      const req = tracked(request(`${svc.url}/v1/rewrap`, options({ ...JUNK, 'content-length': String(body.length) }), (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentAll });
        req.destroy();
      }));
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (sentAll) reject(e);
        // Closed before the TLS handshake: the address had spent its budget of failed authentications.
        else if (!secured(req)) resolve({ status: 'dropped', sentAll });
      });
      req.write(body.subarray(0, 64 * 1024));
      setTimeout(() => {
        sentAll = true;
        req.end(body.subarray(64 * 1024));
      }, 5_000).unref();
    });
  }

  function signedRewrap(): Promise<number> {
    const dek = randomBytes(32);
    const docId = randomBytes(16);
    const s = parseRecipient(svc.recipient).wrap(dek, { scopeBinding: 'payments/db', docId });
    const body = JSON.stringify({ clientKey: b64url(x25519Ephemeral().publicKey), items: [{ kid: s.kid, alg: 'mlkem1024-x25519', enc: s.enc, dek: s.dek, scope: 'payments/db', docId: b64url(docId) }] });
    const privateKey = loadSigningKey(readFileSync(join(svc.dir, 'alice.pem'), 'utf8')).keyObject;
    const authorization = signRequest({ method: 'POST', path: '/v1/rewrap', body: Buffer.from(body), keyId: 'alice', privateKey, now: Date.now() });
    return new Promise((resolve, reject) => {
      const req = request(`${svc.url}/v1/rewrap`, options({ authorization, 'content-type': 'application/json' }, LEGIT_ADDRESS), (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers a junk bearer token before the client has sent its body, and 40 such bodies do not grow memory by their size', async () => {
    const body = Buffer.alloc(BODY_BYTES, 0x20);
    const before = process.memoryUsage();
    const answers = await Promise.all(Array.from({ length: 40 }, () => refusedEarly(body)));
    const after = process.memoryUsage();
    for (const a of answers) expect(a.sentAll).toBe(false);
    expect(answers.filter((a) => a.status === 401).length).toBe(10);
    for (const a of answers) expect([401, 429, 'dropped']).toContain(a.status);
    // Read, the bodies would be 80 MiB; a few MiB of TLS and socket buffers are all that may appear.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(40 * BODY_BYTES * 0.25);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(40 * BODY_BYTES * 0.25);
  });

  it('gives 300 bad tokens from one address 429 after a low threshold, then closes its connections before TLS; counts them all in the audit log, and keeps serving a signed caller', async () => {
    await new Promise((r) => setTimeout(r, 12_000)); // the previous test spent this address's budget
    const linesBefore = readAudit(svc).length;
    const droppedBefore = refusedConnections(await getMetrics());
    const answers: Array<number | 'dropped'> = [];
    const legit: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      answers.push(await junkPost());
      if (i % 50 === 0) legit.push(await signedRewrap());
    }
    const seconds = (performance.now() - started) / 1000;
    expect(answers.slice(0, 10)).toEqual(Array(10).fill(401));
    const later = answers.slice(10);
    expect(later.every((a) => a === 401 || a === 429 || a === 'dropped')).toBe(true);
    // The budget refills at one failure a second, and each refill lets one connection through to be answered:
    // a loop that a busy machine stretches to several seconds sees that many more answers, never more.
    expect(later.filter((a) => a !== 'dropped').length).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    expect(legit).toEqual(Array(6).fill(200));
    expect(refusedConnections(await getMetrics()) - droppedBefore).toBe(answers.filter((a) => a === 'dropped').length);
    await new Promise((r) => setTimeout(r, 1_500)); // one failed authentication's worth of budget comes back
    expect(await junkPost()).toBe(401);
    await svc.running.close();
    const refusals = readAudit(svc)
      .slice(linesBefore)
      .filter((r) => r['operation'] === 'authenticate');
    expect(refusals.length).toBeLessThanOrEqual(6);
    expect(new Set(refusals.map((r) => r['reason']))).toEqual(new Set(['malformed', 'address_blocked']));
    const counted = refusals.reduce((n, r) => n + (typeof r['count'] === 'number' ? r['count'] : 1), 0);
    expect(counted).toBe(301);
  }, 60_000);
});
