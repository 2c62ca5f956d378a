/**
 * Unauthenticated callers against the real rewrap service (issue 15,
 * finding 3): a junk bearer token is refused before its body is read, so
 * bodies do not pile up in memory, and a flood of bad tokens from one
 * address meets 429 after a low threshold and leaves counted audit
 * records, while a legitimate caller goes on being served.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

  const options = (headers: Record<string, string>): RequestOptions => ({ method: 'POST', ca, headers, agent: false });

  /** Sends the headers and a first slice of `body`, and the rest only once asked; resolves with the status and whether the body was all sent by then. */
  function refusedEarly(body: Buffer): Promise<{ status: number; sentAll: boolean }> {
    return new Promise((resolve, reject) => {
      let sentAll = false;
      const req = request(`${svc.url}/v1/rewrap`, options({ ...JUNK, 'content-length': String(body.length) }), (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentAll });
        req.destroy();
      });
      req.on('error', (e) => (sentAll ? reject(e) : undefined));
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
      const req = request(`${svc.url}/v1/rewrap`, options({ authorization, 'content-type': 'application/json' }), (res) => {
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
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401, 429]));
    // Read, the bodies would be 80 MiB; a few MiB of TLS and socket buffers are all that may appear.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(40 * BODY_BYTES * 0.25);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(40 * BODY_BYTES * 0.25);
  });

  it('gives 300 bad tokens from one address 429 after a low threshold, counts them in the audit log, and keeps serving a signed caller', async () => {
    await new Promise((r) => setTimeout(r, 12_000)); // the previous test spent this address's budget
    const linesBefore = readAudit(svc).length;
    const statuses: number[] = [];
    const legit: number[] = [];
    for (let i = 0; i < 300; i++) {
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          const req = request(`${svc.url}/v1/rewrap`, options(JUNK), (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end('{}');
        }),
      );
      if (i % 50 === 0) legit.push(await signedRewrap());
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(250);
    expect(legit).toEqual(Array(6).fill(200));
    await svc.running.close();
    const refusals = readAudit(svc)
      .slice(linesBefore)
      .filter((r) => r['operation'] === 'authenticate');
    expect(refusals.length).toBeLessThanOrEqual(4);
    const counted = refusals.reduce((n, r) => n + (typeof r['count'] === 'number' ? r['count'] : 1), 0);
    expect(counted).toBe(300);
  }, 60_000);
});
