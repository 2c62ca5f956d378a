/**
 * Bad input and abuse against the rewrap service (issue 5): each answer
 * has its code, nothing sent is echoed, and the service stays up.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64url } from '../core/bytes.js';
import { x25519Ephemeral } from '../core/crypto/recipients/x25519.js';
import { clientResponseKey, openFromService } from '../core/crypto/rewrap-seal.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { loadSigningKey, signRequest } from '../kms/auth/request-signature.js';
import type { RewrapItem } from '../kms/protocol/types.js';
import { startOidcIssuer, type OidcIssuerDouble } from './doubles/oidc-issuer.js';
import { startTestService, type TestService } from './helpers/rewrap-service.js';

const CANARY = 'CANARY-abuse-5d1e';
const POLICY = `gitseal-policy: 1
rules:
  - subjects: ["dev:alice", "dev:flood", "dev:replayer", "system:serviceaccount:gitseal:controller"]
    scopes: ["payments/*"]
    operations: [rewrap]
`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

describe('rewrap service under bad input and abuse', () => {
  let svc: TestService;
  let k8s: OidcIssuerDouble;
  const keyOf = (name: string) => loadSigningKey(readFileSync(join(svc.dir, `${name}.pem`), 'utf8')).keyObject;

  beforeAll(async () => {
    k8s = await startOidcIssuer();
    svc = await startTestService({
      developers: ['alice', 'flood', 'replayer'],
      policy: POLICY,
      auth: `  serviceAccounts: {issuer: "${k8s.issuer}", jwksUri: "${k8s.jwksUri}"}\n`,
      extra: 'limits: {maxBodyBytes: 1048576, headersTimeoutMs: 600, requestTimeoutMs: 1200, rate: {rate: 100, burst: 1000}}',
    });
  });

  afterAll(async () => {
    await svc?.close();
    await k8s?.close();
  });

  function send(path: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(`${svc.url}${path}`, { method, ca: readFileSync(svc.caFile), headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const signed = (who: string, body: string | Buffer, path = '/v1/rewrap') =>
    send(path, body, { authorization: signRequest({ method: 'POST', path, body: Buffer.from(body), keyId: who, privateKey: keyOf(who), now: Date.now() }) });

  function item(scope = 'payments/db', wrapScope = scope): { item: RewrapItem; dek: Uint8Array } {
    const dek = randomBytes(32);
    const docId = randomBytes(16);
    const s = parseRecipient(svc.recipient).wrap(dek, { scopeBinding: wrapScope, docId });
    return { dek, item: { kid: s.kid, alg: 'mlkem1024-x25519', enc: s.enc, dek: s.dek, scope, docId: b64url(docId) } };
  }

  it('answers a mixed batch item by item, and every allowed DEK opens at its own index', async () => {
    const eph = x25519Ephemeral();
    const good1 = item();
    const good2 = item('payments/api');
    const items = [good1.item, item('billing/x').item, { ...good1.item, kid: 'org-0000000000000000' }, good2.item, item('payments/db', 'payments/other').item];
    const r = await signed('alice', JSON.stringify({ clientKey: b64url(eph.publicKey), items }));
    expect(r.status).toBe(200);
    const results = r.json['items'] as { ok: boolean; error?: string; sealed?: string }[];
    expect(results.map((x) => (x.ok ? 'ok' : x.error))).toEqual(['ok', 'denied', 'unknown_kid', 'ok', 'tampered']);
    const key = clientResponseKey(eph.privateKey, eph.publicKey, Buffer.from(r.json['serverKey'] as string, 'base64url'));
    for (const [i, g] of [[0, good1], [3, good2]] as const) {
      const dek = openFromService(key, i, Buffer.from(results[i]!.sealed!, 'base64url'), { kid: g.item.kid, scope: g.item.scope, docId: g.item.docId });
      expect(dek && Buffer.from(dek)).toEqual(Buffer.from(g.dek));
    }
  });

  it('refuses malformed JSON, a missing clientKey, a bad scope and too many items, without echoing them', async () => {
    const bad = await signed('alice', `{"clientKey": "${CANARY}", "items": [`);
    expect([bad.status, bad.json['error']]).toEqual([400, 'bad_request']);
    const noKey = await signed('alice', JSON.stringify({ items: [item().item] }));
    expect([noKey.status, noKey.json['error']]).toEqual([400, 'bad_request']);
    const scope = await signed('alice', JSON.stringify({ clientKey: b64url(x25519Ephemeral().publicKey), items: [{ ...item().item, scope: `${CANARY}/../x` }] }));
    expect([scope.status, scope.json['error']]).toEqual([400, 'bad_request']);
    const one = item().item;
    const many = await signed('alice', JSON.stringify({ clientKey: b64url(x25519Ephemeral().publicKey), items: Array.from({ length: 1001 }, () => ({ ...one, enc: 'AA', dek: 'AA' })) }));
    expect([many.status, many.json['error']]).toEqual([413, 'too_many_items']);
    for (const a of [bad, noKey, scope, many]) {
      expect(a.text).not.toContain(CANARY);
      expect(a.headers['x-request-id']).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('refuses an oversized body before reading it', async () => {
    const r = await signed('alice', Buffer.alloc(1048577, 0x20));
    expect([r.status, r.json['error']]).toEqual([413, 'too_large']);
  });

  it('refuses expired, wrong-audience, unsigned and unknown-issuer tokens', async () => {
    const sub = 'system:serviceaccount:gitseal:controller';
    const body = JSON.stringify({ clientKey: b64url(x25519Ephemeral().publicKey), items: [item().item] });
    const good = await k8s.sign({ sub }, { audience: 'gitseal', expiresIn: 60 });
    expect((await send('/v1/rewrap', body, { authorization: `Bearer ${good}` })).status).toBe(200);
    const tokens = [
      await k8s.sign({ sub, exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 }, { audience: 'gitseal' }),
      await k8s.sign({ sub }, { audience: 'not-gitseal', expiresIn: 60 }),
      await k8s.sign({ sub }, { audience: 'gitseal', expiresIn: 60, alg: 'none' }),
      await k8s.sign({ sub, iss: 'https://evil.example' }, { audience: 'gitseal', expiresIn: 60 }),
      `${CANARY}.${CANARY}.${CANARY}`,
    ];
    for (const t of tokens) {
      const r = await send('/v1/rewrap', body, { authorization: `Bearer ${t}` });
      expect([r.status, r.json['error']]).toEqual([401, 'unauthenticated']);
      expect(r.text).not.toContain(CANARY);
    }
    const audit = readFileSync(svc.auditFile, 'utf8');
    expect(audit).not.toContain(CANARY);
    expect(audit).toContain('"reason":"expired"');
    expect(audit).toContain('"reason":"audience"');
  });

  it('refuses a replayed signed request', async () => {
    const body = JSON.stringify({ clientKey: b64url(x25519Ephemeral().publicKey), items: [item().item] });
    const authorization = signRequest({ method: 'POST', path: '/v1/rewrap', body: Buffer.from(body), keyId: 'replayer', privateKey: keyOf('replayer'), now: Date.now() });
    expect((await send('/v1/rewrap', body, { authorization })).status).toBe(200);
    const again = await send('/v1/rewrap', body, { authorization });
    expect([again.status, again.json['error']]).toEqual([401, 'unauthenticated']);
  });

  it('answers a burst from one subject with 429 and Retry-After', async () => {
    const one = item().item;
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 6; i++) {
      const r = await signed('flood', JSON.stringify({ clientKey: b64url(x25519Ephemeral().publicKey), items: Array(250).fill(one) }));
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers['retry-after'];
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Another subject is not slowed down by the flood.
    expect((await signed('alice', JSON.stringify({ clientKey: b64url(x25519Ephemeral().publicKey), items: [one] }))).status).toBe(200);
  });

  it('drops slow clients: headers that never finish and a body that never arrives', async () => {
    const port = Number(new URL(svc.url).port);
    const closedAfter = (payload: string) =>
      new Promise<{ ms: number; reply: string }>((resolve, reject) => {
        const t0 = Date.now();
        let reply = '';
        const s = connect({ host: '127.0.0.1', port, ca: readFileSync(svc.caFile), servername: 'localhost' }, () => s.write(payload));
        s.on('data', (d: Buffer) => (reply += d.toString()));
        s.on('error', () => {});
        s.on('close', () => resolve({ ms: Date.now() - t0, reply }));
        setTimeout(() => reject(new Error('the server kept a slow client')), 10_000).unref();
      });
    const headers = await closedAfter('POST /v1/rewrap HTTP/1.1\r\nhost: localhost\r\n');
    expect(headers.ms).toBeLessThan(8_000);
    const body = await closedAfter('POST /v1/rewrap HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"clientKey":');
    expect(body.ms).toBeLessThan(8_000);
    expect(body.reply).not.toContain('clientKey');
  });

  it('answers unknown routes and methods with their codes, and stays up', async () => {
    expect((await send('/v1/nothing', '{}')).json['error']).toBe('not_found');
    expect((await send('/v1/rewrap', '', {}, 'GET')).json['error']).toBe('method_not_allowed');
    expect((await send('/healthz', '', {}, 'GET')).status).toBe(200);
    expect((await send('/readyz', '', {}, 'GET')).status).toBe(200);
    const logs = svc.logs.join('\n');
    expect(logs).not.toContain(CANARY);
  });
});
