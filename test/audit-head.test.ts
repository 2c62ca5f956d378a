/**
 * GET /v1/audit/head over the real HTTPS rewrap service (issue 15, finding
 * 6): the checkpoint it serves is signed by the writer key GET /v1/keys
 * publishes, `gitseal audit verify --checkpoint` accepts the log against
 * it, and the finding's attack (every `allow` record removed, the log
 * re-chained) fails against it; the audit key file is sealed, never plain.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseWriter } from '../core/crypto/writer-key.js';
import { run } from '../cli/commands/audit-verify.js';
import { auditKeyFile } from '../kms/service/audit-key.js';
import { recordBody, recordLine } from '../kms/service/audit-verify.js';
import { checkpointSignedBy, parseCheckpoint } from '../kms/service/checkpoint.js';
import type { AuditEvent } from '../kms/service/types.js';
import { startTestService, type TestService } from './helpers/rewrap-service.js';

const POLICY = `gitseal-policy: 1
rules:
  - subjects: ["dev:alice"]
    scopes: ["payments/*"]
    operations: [rewrap]
`;

function getJson(svc: TestService, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(`${svc.url}${path}`, { ca: readFileSync(svc.caFile), agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    }).on('error', reject);
  });
}

/** Runs `gitseal audit verify` in-process; its status and what it printed. */
async function auditVerify(opts: { log: string; checkpoint?: string; writer?: string }): Promise<{ status: number | string; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  try {
    const status = await run({ $0: 'gitseal', _: [], ...opts } as unknown as Parameters<typeof run>[0]).catch((e: unknown) => (e as { code?: string }).code ?? 'thrown');
    return { status, out };
  } finally {
    spy.mockRestore();
  }
}

describe('GET /v1/audit/head', () => {
  let svc: TestService;
  let writer: string;

  beforeAll(async () => {
    svc = await startTestService({ developers: ['alice'], policy: POLICY, writerKey: true });
    const keys = await getJson(svc, '/v1/keys');
    writer = (keys.body as { writer: { key: string } }).writer.key;
  });
  afterAll(async () => {
    await svc?.close();
  });

  const event = (i: number, decision: 'allow' | 'deny'): AuditEvent => ({
    subject: 'dev:alice',
    method: 'ed25519',
    operation: 'rewrap',
    decision,
    reason: decision === 'allow' ? 'ok' : 'denied',
    scope: 'payments/db',
    requestId: `t${i}`,
  });

  it('answers the latest checkpoint, public, signed by the published writer key; the audit key file is sealed', async () => {
    await svc.running.audit.append(Array.from({ length: 9 }, (_, i) => event(i, i % 3 === 0 ? 'deny' : 'allow')));
    svc.running.checkpoints.checkpoint();
    const { status, body } = await getJson(svc, '/v1/audit/head');
    expect(status).toBe(200);
    const cp = parseCheckpoint(body, 'GET /v1/audit/head');
    expect(cp).toMatchObject({ seq: svc.running.audit.head().seq, head: svc.running.audit.head().hash, writerKid: svc.writerKey!.kid });
    expect(cp.seq).toBeGreaterThanOrEqual(9);
    expect(checkpointSignedBy(cp, parseWriter(writer))).toBe(true);
    const keyFile = JSON.parse(readFileSync(auditKeyFile(svc.auditFile), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(keyFile).sort()).toEqual(['created', 'gitseal-audit-key', 'sealed']);
    expect(svc.logs.some((l) => l.includes('"msg":"audit checkpoint"') && l.includes(cp.head))).toBe(true);
  });

  it('gitseal audit verify --checkpoint accepts the log, and refuses it once the allow records are removed and the chain redone', async () => {
    const { body } = await getJson(svc, '/v1/audit/head');
    const cpFile = join(svc.dir, 'head.json');
    writeFileSync(cpFile, JSON.stringify(body));
    const copy = join(svc.dir, 'audit-copy.log');
    writeFileSync(copy, readFileSync(svc.auditFile));
    const good = await auditVerify({ log: copy, checkpoint: cpFile, writer });
    expect(good.status).toBe(0);
    expect(good.out).toMatch(/ok, .* holds the checkpoint at seq/);

    const kept = readFileSync(copy, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.decision !== 'allow');
    let prev: Buffer = Buffer.alloc(32);
    const forged = kept.map((r, i) => {
      const { seq: _s, time, prev: _p, hash: _h, mac, ...rest } = r;
      const bodyText = recordBody(i + 1, time as string, prev.toString('hex'), rest as unknown as AuditEvent);
      prev = createHash('sha256').update(prev).update(bodyText).digest();
      return `${recordLine(bodyText, prev.toString('hex'), mac as string)}\n`;
    });
    writeFileSync(copy, forged.join(''));
    expect(await auditVerify({ log: copy })).toMatchObject({ status: 0 }); // the public chain alone is consistent
    const bad = await auditVerify({ log: copy, checkpoint: cpFile, writer });
    expect(bad.status).toBe(1);
    expect(bad.out).toMatch(/checkpoint signed seq/);
  });

  it('refuses a checkpoint signed by another key, and one without --writer', async () => {
    const { body } = await getJson(svc, '/v1/audit/head');
    const cpFile = join(svc.dir, 'head2.json');
    writeFileSync(cpFile, JSON.stringify(body));
    const other = 'gitseal-writer1:mldsa65-ed25519:' + Buffer.alloc(1984, 1).toString('base64url');
    expect((await auditVerify({ log: svc.auditFile, checkpoint: cpFile, writer: other })).status).toBe('E_AUDIT');
    expect((await auditVerify({ log: svc.auditFile, checkpoint: cpFile })).status).toBe('E_USAGE');
  });
});
