import { describe, expect, it } from 'vitest';
import { chainHash, recordBody, recordLine, recordMac, verifyAuditChunks, verifyAuditLog, ZERO_HASH } from './audit-verify.js';
import type { AuditEvent } from './types.js';

const event = (i: number): AuditEvent => ({
  subject: `dev:user${i % 3}`,
  method: 'ed25519',
  operation: 'rewrap',
  decision: i % 4 === 0 ? 'deny' : 'allow',
  reason: i % 4 === 0 ? 'denied' : 'ok',
  scope: `ns${i}/app`,
  kid: 'org-1',
  docId: 'AAAAAAAAAAAAAAAAAAAAAA',
  requestId: `req-${i}`,
});

const KEY = new Uint8Array(32).fill(9);

/** A valid log of n records, built with the format functions (AuditLog uses the same). */
function buildLog(n: number): { text: string; lines: string[]; hashes: string[] } {
  let prev: Buffer = Buffer.alloc(32);
  const lines: string[] = [];
  const hashes: string[] = [];
  for (let i = 1; i <= n; i++) {
    const body = recordBody(i, new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(), prev.toString('hex'), event(i));
    prev = chainHash(prev, body);
    hashes.push(prev.toString('hex'));
    lines.push(recordLine(body, prev.toString('hex'), recordMac(KEY, prev).toString('hex')));
  }
  return { text: lines.map((l) => `${l}\n`).join(''), lines, hashes };
}

const join = (lines: string[]): string => lines.map((l) => `${l}\n`).join('');

describe('verifyAuditLog', () => {
  const { text, lines, hashes } = buildLog(6);

  it('accepts an intact log and an empty one', () => {
    expect(verifyAuditLog(text)).toEqual({ ok: true, records: 6, head: hashes[5] });
    expect(verifyAuditLog('')).toEqual({ ok: true, records: 0, head: ZERO_HASH });
  });

  it('writes the documented line shape', () => {
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['seq', 'time', 'prev', 'subject', 'method', 'operation', 'decision', 'reason', 'scope', 'kid', 'docId', 'requestId', 'hash', 'mac']);
    expect(first.prev).toBe(ZERO_HASH);
    expect(first.seq).toBe(1);
  });

  it('catches an edited field', () => {
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"decision":"allow"', '"decision":"deny"');
    expect(edited[2]).not.toBe(lines[2]);
    expect(verifyAuditLog(join(edited))).toEqual({ ok: false, line: 3, problem: 'hash mismatch: the record was edited' });
    const subject = [...lines];
    subject[0] = subject[0]!.replace('dev:user1', 'dev:userX');
    expect(verifyAuditLog(join(subject))).toMatchObject({ ok: false, line: 1 });
  });

  it('catches an added field, a re-ordered field and changed escaping', () => {
    for (const edit of [
      (l: string) => l.replace('"kid"', '"extra":"x","kid"'),
      (l: string) => l.replace(/^\{"seq":(\d+),"time":("[^"]+")/, '{"time":$2,"seq":$1'),
      (l: string) => l.replace('"ed25519"', '"ed2551\\u0039"'),
      (l: string) => l.replace('{"seq"', '{ "seq"'),
      (l: string) => l.replace(/"hash":"[0-9a-f]+"/, '"hash":"zz"'),
    ]) {
      const edited = [...lines];
      edited[1] = edit(edited[1]!);
      expect(edited[1]).not.toBe(lines[1]);
      expect(verifyAuditLog(join(edited))).toMatchObject({ ok: false, line: 2 });
    }
  });

  it('catches a deleted middle line', () => {
    const r = verifyAuditLog(join([...lines.slice(0, 2), ...lines.slice(3)]));
    expect(r).toEqual({ ok: false, line: 3, problem: 'seq 4 where 3 was expected: a record was removed or reordered' });
  });

  it('catches a deleted first line', () => {
    expect(verifyAuditLog(join(lines.slice(1)))).toMatchObject({ ok: false, line: 1 });
  });

  it('catches two swapped lines', () => {
    const swapped = [...lines];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    expect(verifyAuditLog(join(swapped))).toMatchObject({ ok: false, line: 4, problem: expect.stringMatching(/removed or reordered/) as unknown });
  });

  it('catches a record renumbered to hide a gap', () => {
    const renumbered = [...lines.slice(0, 2), lines[3]!.replace('"seq":4', '"seq":3'), ...lines.slice(4)];
    expect(verifyAuditLog(join(renumbered))).toMatchObject({ ok: false, line: 3, problem: expect.stringMatching(/^prev /) as unknown });
  });

  it('catches a duplicated line', () => {
    expect(verifyAuditLog(join([...lines.slice(0, 3), lines[2]!, ...lines.slice(3)]))).toMatchObject({ ok: false, line: 4, problem: expect.stringMatching(/duplicated/) as unknown });
  });

  it('catches a truncated last line', () => {
    expect(verifyAuditLog(text.slice(0, -1))).toEqual({ ok: false, line: 6, problem: 'truncated last line (no newline at the end)' });
    expect(verifyAuditLog(text.slice(0, -20))).toMatchObject({ ok: false, line: 6 });
  });

  it('catches invalid JSON, blank lines and non-records', () => {
    expect(verifyAuditLog(join([lines[0]!, '{"seq":2,', ...lines.slice(1)]))).toEqual({ ok: false, line: 2, problem: 'invalid JSON' });
    expect(verifyAuditLog(join([lines[0]!, '', ...lines.slice(1)]))).toEqual({ ok: false, line: 2, problem: 'empty line' });
    expect(verifyAuditLog('[1,2]\n')).toMatchObject({ ok: false, line: 1 });
    expect(verifyAuditLog('{"seq":1}\n')).toMatchObject({ ok: false, line: 1 });
    expect(verifyAuditLog(join([lines[0]!.replace('"subject":"dev:user1",', '')]))).toMatchObject({ ok: false, line: 1, problem: expect.stringMatching(/subject/) as unknown });
  });

  it('catches removed trailing records only against an expected head', () => {
    const short = join(lines.slice(0, 4));
    expect(verifyAuditLog(short).ok).toBe(true);
    expect(verifyAuditLog(short, { expectHead: hashes[5]! })).toMatchObject({ ok: false, line: 5, problem: expect.stringMatching(/removed from the end/) as unknown });
    expect(verifyAuditLog('', { expectHead: hashes[0]! }).ok).toBe(false);
    // Records appended after the remembered head are fine.
    expect(verifyAuditLog(text, { expectHead: hashes[3]! })).toEqual({ ok: true, records: 6, head: hashes[5] });
    expect(verifyAuditLog(text, { expectHead: hashes[5]! }).ok).toBe(true);
    expect(verifyAuditLog('', { expectHead: ZERO_HASH }).ok).toBe(true);
  });
});

describe('verifyAuditChunks', () => {
  const { text, lines } = buildLog(40);

  async function* chunked(s: string | Buffer, size: number): AsyncGenerator<Uint8Array> {
    const b = Buffer.from(s);
    for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
  }

  it('agrees with verifyAuditLog whatever the chunk size', async () => {
    const broken = join([...lines.slice(0, 10), ...lines.slice(11)]);
    for (const size of [1, 7, 100, 1 << 16])
      for (const t of [text, broken, text.slice(0, -3), ''])
        expect(await verifyAuditChunks(chunked(t, size))).toEqual(verifyAuditLog(t));
  });

  it('refuses bytes that are not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from(join(lines.slice(0, 2))), Buffer.from([0xff, 0xfe, 0x0a])]);
    expect(await verifyAuditChunks(chunked(bytes, 5))).toEqual({ ok: false, line: 3, problem: 'not valid UTF-8' });
  });
});
