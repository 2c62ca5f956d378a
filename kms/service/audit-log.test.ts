import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isGitsealError } from '../../core/errors.js';
import { AuditLog } from './audit-log.js';
import { verifyAuditLog, ZERO_HASH } from './audit-verify.js';
import type { AuditEvent } from './types.js';

const KEY = new Uint8Array(32).fill(7);
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitseal-audit-'));
  file = join(dir, 'audit.log');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const event = (i: number, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  subject: `ci:org/app:${i}`,
  method: 'oidc',
  operation: 'rewrap',
  decision: 'allow',
  reason: 'ok',
  scope: 'payments/db',
  kid: 'org-1',
  docId: 'AAAAAAAAAAAAAAAAAAAAAA',
  requestId: `r${i}`,
  ...extra,
});
const range = (n: number, from = 0): AuditEvent[] => Array.from({ length: n }, (_, i) => event(from + i));
const records = (): Array<Record<string, unknown>> =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const auditCode = async (p: Promise<unknown>): Promise<string> => p.then(() => 'success', (e: unknown) => (isGitsealError(e) ? e.code : String(e)));

describe('AuditLog', () => {
  it('creates the file mode 0600 and starts the chain at zero', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(log.head()).toEqual({ seq: 0, hash: ZERO_HASH });
    await log.append([event(1)]);
    const [r] = records();
    expect(r).toMatchObject({ seq: 1, prev: ZERO_HASH, subject: 'ci:org/app:1' });
    expect(log.head()).toEqual({ seq: 1, hash: r!.hash });
    await log.close();
  });

  it('stamps records with the injected clock', async () => {
    const log = await AuditLog.open(file, { key: KEY, now: () => new Date(Date.UTC(2030, 4, 6, 7, 8, 9)) });
    await log.append(range(2));
    await log.close();
    expect(records().map((r) => r.time)).toEqual(['2030-05-06T07:08:09.000Z', '2030-05-06T07:08:09.000Z']);
  });

  it('writes a batch with one write and one fsync', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    const fh = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(fh) as { write: () => unknown; datasync: () => unknown; sync: () => unknown };
    await fh.close();
    const writes = vi.spyOn(proto, 'write');
    const syncs = vi.spyOn(proto, 'datasync');
    const fullSyncs = vi.spyOn(proto, 'sync');
    await log.append(range(500));
    expect(writes).toHaveBeenCalledTimes(1);
    expect(syncs.mock.calls.length + fullSyncs.mock.calls.length).toBe(1);
    await log.close();
    expect(verifyAuditLog(readFileSync(file, 'utf8'))).toMatchObject({ ok: true, records: 500 });
  });

  it('keeps the chain valid under concurrent appends', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    await Promise.all(Array.from({ length: 50 }, (_, b) => log.append(range(1 + (b % 7), b * 10))));
    const expected = Array.from({ length: 50 }, (_, b) => 1 + (b % 7)).reduce((a, n) => a + n, 0);
    expect(log.head().seq).toBe(expected);
    await log.close();
    const result = verifyAuditLog(readFileSync(file, 'utf8'));
    expect(result).toEqual({ ok: true, records: expected, head: log.head().hash });
    // Each caller's batch stays contiguous and in order.
    const ids = records().map((r) => Number(String(r.requestId).slice(1)));
    for (let b = 0; b < 50; b++) {
      const at = ids.indexOf(b * 10);
      expect(ids.slice(at, at + 1 + (b % 7))).toEqual(Array.from({ length: 1 + (b % 7) }, (_, i) => b * 10 + i));
    }
  });

  it('continues the chain after reopening', async () => {
    const first = await AuditLog.open(file, { key: KEY });
    await first.append(range(3));
    const head = first.head();
    await first.close();
    const second = await AuditLog.open(file, { key: KEY });
    expect(second.head()).toEqual(head);
    await second.append(range(2, 3));
    await second.close();
    expect(verifyAuditLog(readFileSync(file, 'utf8'))).toEqual({ ok: true, records: 5, head: second.head().hash });
    expect(records()[3]).toMatchObject({ seq: 4, prev: head.hash });
  });

  it('refuses to open a tampered or truncated log', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    await log.append(range(3));
    await log.close();
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('"decision":"allow"', '"decision":"deny"'));
    await expect(AuditLog.open(file, { key: KEY })).rejects.toMatchObject({ code: 'E_AUDIT', message: expect.stringMatching(/line 1: hash mismatch/) as unknown });
    writeFileSync(file, good.slice(0, -5));
    await expect(AuditLog.open(file, { key: KEY })).rejects.toMatchObject({ code: 'E_AUDIT', message: expect.stringMatching(/line 3: truncated/) as unknown });
    writeFileSync(file, good);
    appendFileSync(file, 'garbage\n');
    expect(await auditCode(AuditLog.open(file, { key: KEY }))).toBe('E_AUDIT');
  });

  it('writes exactly the fields given and nothing else (canary)', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    const canary = 'CANARY-7f3a9c';
    const smuggled = { ...event(1), token: canary, dek: canary, toJSON: () => canary } as unknown as AuditEvent;
    const minimal: AuditEvent = { subject: 'dev:a', method: 'none', operation: 'authenticate', decision: 'deny', reason: 'unauthenticated', requestId: 'r2' };
    await log.append([smuggled, minimal]);
    await log.close();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(canary);
    const [a, b] = records();
    const strip = (r: Record<string, unknown>): Record<string, unknown> => {
      const { seq: _s, time: _t, prev: _p, hash: _h, mac: _m, ...rest } = r;
      return rest;
    };
    expect(strip(a!)).toEqual(event(1));
    expect(strip(b!)).toEqual(minimal);
  });

  it('writes what was appended even if the caller changes the event afterwards', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    const e = event(1);
    const done = log.append([e]);
    e.subject = 'dev:mallory';
    await done;
    await log.close();
    expect(records()[0]!.subject).toBe('ci:org/app:1');
  });

  it('refuses events with missing or non-string fields, and writes none of that batch', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    const bad = { ...event(2), scope: 42 } as unknown as AuditEvent;
    expect(await auditCode(log.append([event(1), bad]))).toBe('E_AUDIT');
    const missing = { ...event(2) } as Partial<AuditEvent>;
    delete missing.requestId;
    expect(await auditCode(log.append([missing as AuditEvent]))).toBe('E_AUDIT');
    await log.append([]);
    expect(log.head().seq).toBe(0);
    await log.close();
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('surfaces a failed fsync as E_AUDIT and takes no more records', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    await log.append(range(2));
    const fh = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(fh) as { datasync: () => Promise<void> };
    await fh.close();
    vi.spyOn(proto, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO'), { code: 'EIO' }));
    expect(await auditCode(log.append(range(1, 2)))).toBe('E_AUDIT');
    expect(log.head().seq).toBe(2);
    expect(await auditCode(log.append(range(1, 3)))).toBe('E_AUDIT');
    await log.close();
  });

  it('surfaces a failed write as E_AUDIT, removes the partial write and carries on', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    await log.append(range(2));
    const fh = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(fh) as { write: (...a: unknown[]) => Promise<unknown> };
    await fh.close();
    const real = proto.write;
    vi.spyOn(proto, 'write').mockImplementationOnce(async function (this: unknown, data: unknown) {
      await real.call(this, (data as Buffer).subarray(0, 40), 0, 40);
      throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    });
    expect(await auditCode(log.append(range(3, 2)))).toBe('E_AUDIT');
    expect(log.head().seq).toBe(2);
    await log.append(range(1, 9));
    await log.close();
    expect(verifyAuditLog(readFileSync(file, 'utf8'))).toMatchObject({ ok: true, records: 3 });
  });

  it('rejects appends after close, and close waits for appends in flight', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    const pending = log.append(range(10));
    await log.close();
    await pending;
    expect(records().length).toBe(10);
    expect(await auditCode(log.append(range(1)))).toBe('E_AUDIT');
  });

  it('refuses a path it cannot open', async () => {
    expect(await auditCode(AuditLog.open(join(dir, 'missing', 'audit.log'), { key: KEY }))).toBe('E_AUDIT');
  });

  it('chains ten thousand events appended in batches, and reopens at the same head', async () => {
    const log = await AuditLog.open(file, { key: KEY });
    for (let b = 0; b < 20; b++) await log.append(range(500, b * 500));
    await log.close();
    expect(log.head().seq).toBe(10_000);
    const reopened = await AuditLog.open(file, { key: KEY });
    expect(reopened.head()).toEqual(log.head());
    await reopened.close();
  });
});
