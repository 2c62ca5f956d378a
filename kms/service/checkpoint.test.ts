import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateWriterSecret, writerFromSecret } from '../../core/crypto/writer-key.js';
import { isGitsealError } from '../../core/errors.js';
import { AuditLog } from './audit-log.js';
import { recordBody, recordLine, recordMac, verifyAuditLog, ZERO_HASH } from './audit-verify.js';
import { Checkpointer, checkpointSignedBy, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import type { AuditEvent } from './types.js';

const KEY = new Uint8Array(32).fill(3);
const signer = writerFromSecret(generateWriterSecret());
const other = writerFromSecret(generateWriterSecret());

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitseal-checkpoint-'));
  file = join(dir, 'audit.log');
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const event = (i: number): AuditEvent => ({
  subject: `dev:user${i % 3}`,
  method: 'ed25519',
  operation: 'rewrap',
  decision: i % 3 === 0 ? 'deny' : 'allow',
  reason: i % 3 === 0 ? 'denied' : 'ok',
  scope: 'payments/db',
  requestId: `r${i}`,
});
const lines = (): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);

/** Re-chains records as the finding's attacker does: the public hash recomputed, the mac from `key` (a guess), or copied. */
function rechain(records: Array<Record<string, unknown>>, key: Uint8Array): string {
  let prev: Buffer = Buffer.alloc(32);
  return records
    .map((r, i) => {
      const { seq: _s, time, prev: _p, hash: _h, mac: _m, ...event } = r;
      const body = recordBody(i + 1, time as string, prev.toString('hex'), event as unknown as AuditEvent);
      prev = createHash('sha256').update(prev).update(body).digest();
      return `${recordLine(body, prev.toString('hex'), recordMac(key, prev).toString('hex'))}\n`;
    })
    .join('');
}

async function logOf(n: number): Promise<AuditLog> {
  const log = await AuditLog.open(file, { key: KEY, now: () => new Date(Date.UTC(2030, 0, 1)) });
  await log.append(Array.from({ length: n }, (_, i) => event(i + 1)));
  return log;
}

describe('audit checkpoints', () => {
  it('signs {seq, head, time} with the writer key; another key, an edited field or no signature does not verify', async () => {
    const log = await logOf(5);
    const cp = signCheckpoint(signer, log.head(), new Date(Date.UTC(2030, 0, 2)));
    expect(cp).toMatchObject({ seq: 5, head: log.head().hash, time: '2030-01-02T00:00:00.000Z', writerKid: signer.kid });
    expect(checkpointSignedBy(cp, signer)).toBe(true);
    expect(checkpointSignedBy(cp, other)).toBe(false);
    expect(checkpointSignedBy(signCheckpoint(other, log.head(), new Date()), signer)).toBe(false);
    expect(checkpointSignedBy({ ...cp, seq: 4 }, signer)).toBe(false);
    expect(checkpointSignedBy({ ...cp, head: ZERO_HASH }, signer)).toBe(false);
    expect(checkpointSignedBy({ ...cp, time: '2030-01-03T00:00:00.000Z' }, signer)).toBe(false);
    expect(checkpointSignedBy(signCheckpoint(null, log.head(), new Date()), signer)).toBe(false);
    await log.close();
  });

  it('parses what GET /v1/audit/head answers, and refuses what is not a checkpoint', async () => {
    const log = await logOf(2);
    const cp = signCheckpoint(signer, log.head(), new Date());
    expect(parseCheckpoint(JSON.parse(JSON.stringify({ checkpoint: cp })), 'cp.json')).toEqual(cp);
    expect(parseCheckpoint(JSON.parse(JSON.stringify(cp)), 'cp.json')).toEqual(cp);
    for (const bad of [null, [], { ...cp, seq: -1 }, { ...cp, head: 'ab' }, { ...cp, extra: 1 }, { ...cp, time: 'now' }, { ...cp, signature: 5 }]) {
      expect(() => parseCheckpoint(bad, 'cp.json')).toThrow(expect.objectContaining({ code: 'E_AUDIT' }) as unknown as Error);
    }
    await log.close();
  });

  it('the finding: all allow records removed and the log re-chained fails against a published checkpoint, and at the service start', async () => {
    const log = await logOf(12);
    const cp = signCheckpoint(signer, log.head(), new Date());
    await log.close();
    const all = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(verifyAuditLog(readFileSync(file, 'utf8'), { checkpoint: cp, key: KEY })).toMatchObject({ ok: true, records: 12 });
    const kept = all.filter((r) => r.decision !== 'allow');
    for (const guess of [new Uint8Array(32), new Uint8Array(32).fill(1)]) {
      const forged = rechain(kept, guess);
      writeFileSync(file, forged);
      // The public chain is consistent: only the checkpoint or the key can tell.
      expect(verifyAuditLog(forged)).toMatchObject({ ok: true, records: 4 });
      expect(verifyAuditLog(forged, { checkpoint: cp })).toMatchObject({ ok: false, problem: expect.stringMatching(/checkpoint signed seq 12/) as unknown });
      expect(verifyAuditLog(forged, { key: KEY })).toMatchObject({ ok: false, line: 1, problem: expect.stringMatching(/^mac mismatch/) as unknown });
      const code = await AuditLog.open(file, { key: KEY }).then(
        async (l) => (await l.close(), 'opened'),
        (e: unknown) => (isGitsealError(e) ? e.code : String(e)),
      );
      expect(code).toBe('E_AUDIT');
    }
  });

  it('a log rewritten before the checkpoint with as many records still fails: the head at that seq differs', async () => {
    const log = await logOf(6);
    const cp = signCheckpoint(signer, log.head(), new Date());
    await log.close();
    const all = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const flipped = all.map((r) => (r.decision === 'allow' ? { ...r, decision: 'deny', reason: 'denied' } : r));
    const forged = rechain(flipped, KEY); // even with the real key, as an attacker inside the service could
    expect(verifyAuditLog(forged, { key: KEY }).ok).toBe(true);
    expect(verifyAuditLog(forged, { checkpoint: cp })).toMatchObject({ ok: false, line: 6, problem: expect.stringMatching(/not the head the checkpoint signed/) as unknown });
  });

  it('catches truncation after a checkpoint, and accepts records appended since', async () => {
    const log = await logOf(5);
    const cp = signCheckpoint(signer, log.head(), new Date());
    await log.append([event(6), event(7)]);
    await log.close();
    const text = readFileSync(file, 'utf8');
    expect(verifyAuditLog(text, { checkpoint: cp, key: KEY })).toMatchObject({ ok: true, records: 7 });
    const cut = lines().slice(0, 4).map((l) => `${l}\n`).join('');
    expect(verifyAuditLog(cut, { checkpoint: cp, key: KEY })).toMatchObject({ ok: false, problem: expect.stringMatching(/ends at seq 4 but the checkpoint signed seq 5/) as unknown });
    expect(verifyAuditLog('', { checkpoint: cp })).toMatchObject({ ok: false });
  });

  it('refuses a log from before the keyed chain with a clear message', () => {
    const body = recordBody(1, '2030-01-01T00:00:00.000Z', ZERO_HASH, event(1));
    const hash = createHash('sha256').update(Buffer.alloc(32)).update(body).digest('hex');
    expect(verifyAuditLog(`${body.slice(0, -1)},"hash":"${hash}"}\n`)).toMatchObject({ ok: false, line: 1, problem: expect.stringMatching(/no mac/) as unknown });
  });

  it('Checkpointer: one at start, a new one on the interval only when the head moved, and one at close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const log = await logOf(1);
    const seen: number[] = [];
    const cps = new Checkpointer(log, signer, { intervalMs: 1_000, onCheckpoint: (cp) => seen.push(cp.seq) });
    expect(cps.latest()).toMatchObject({ seq: 1, head: log.head().hash });
    vi.advanceTimersByTime(3_000);
    expect(seen).toEqual([1]);
    await log.append([event(2)]);
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([1, 2]);
    await log.append([event(3)]);
    expect(cps.close()).toMatchObject({ seq: 3 });
    expect(checkpointSignedBy(cps.latest(), signer)).toBe(true);
    vi.advanceTimersByTime(5_000);
    expect(seen).toEqual([1, 2, 3]);
    await log.close();
  });
});
