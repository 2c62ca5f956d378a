/**
 * The audit log's record format and its verification
 * (docs/ARCHITECTURE.md#audit).
 *
 * One JSON line per record: {"seq","time","prev", event fields…, "hash"} in
 * that fixed order. hash = SHA-256(prev hash bytes ‖ the line without its
 * hash field); the first prev is 64 zeros. Editing, removing or reordering
 * a record breaks the chain; removing records from the end is caught only
 * against a head seen earlier (`expectHead`).
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from './types.js';

export const ZERO_HASH = '0'.repeat(64);

/** The event fields in the order they stand in a record; nothing else is written. */
export const EVENT_FIELDS = ['subject', 'method', 'operation', 'decision', 'reason', 'scope', 'kid', 'docId', 'writerKid', 'writer', 'requestId', 'remote'] as const satisfies ReadonlyArray<keyof AuditEvent>;
const REQUIRED_FIELDS: ReadonlySet<string> = new Set(['subject', 'method', 'operation', 'decision', 'reason', 'requestId']);
const RECORD_FIELDS: ReadonlySet<string> = new Set(['seq', 'time', 'prev', 'hash', ...EVENT_FIELDS]);
const HEX64 = /^[0-9a-f]{64}$/;

export type AuditVerifyResult = { ok: true; records: number; head: string } | { ok: false; line: number; problem: string };

export interface AuditVerifyOptions {
  /** A head seen earlier (hex): the log must still contain it; records appended since are fine. */
  expectHead?: string;
}

/** Canonical JSON of a record without its hash. */
export function recordBody(seq: number, time: string, prev: string, event: AuditEvent): string {
  let s = `{"seq":${seq},"time":${JSON.stringify(time)},"prev":"${prev}"`;
  for (const k of EVENT_FIELDS) {
    const v = event[k];
    if (v !== undefined) s += `,"${k}":${JSON.stringify(v)}`;
  }
  return `${s}}`;
}

export function chainHash(prev: Uint8Array, body: string): Buffer {
  return createHash('sha256').update(prev).update(body, 'utf8').digest();
}

/** The line as written, without its newline. */
export function recordLine(body: string, hash: string): string {
  return `${body.slice(0, -1)},"hash":"${hash}"}`;
}

/** Why a parsed line is not a record, or null. */
function shapeProblem(v: unknown): string | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not a record (a JSON object)';
  const r = v as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!RECORD_FIELDS.has(k)) return `unknown field ${JSON.stringify(k.slice(0, 32))}`;
  if (typeof r.seq !== 'number' || !Number.isSafeInteger(r.seq) || r.seq < 1) return 'seq is not a positive integer';
  if (typeof r.time !== 'string' || Number.isNaN(Date.parse(r.time))) return 'time is not a timestamp';
  if (typeof r.prev !== 'string' || !HEX64.test(r.prev)) return 'prev is not a SHA-256 hex hash';
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) return 'hash is not a SHA-256 hex hash';
  for (const k of EVENT_FIELDS) {
    if (r[k] === undefined ? REQUIRED_FIELDS.has(k) : typeof r[k] !== 'string') return `field ${k} is missing or not a string`;
  }
  return null;
}

/** Walks the chain one line at a time, for a string or a stream. */
export class AuditChain {
  records = 0;
  head = ZERO_HASH;
  private headBytes: Buffer = Buffer.alloc(32);
  private sawExpected: boolean;

  constructor(private readonly expectHead?: string) {
    this.sawExpected = expectHead === undefined || expectHead === ZERO_HASH;
  }

  /** Checks the next line (without its newline); the problem, or null when it extends the chain. */
  push(line: string): string | null {
    if (line === '') return 'empty line';
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      return 'invalid JSON';
    }
    const shape = shapeProblem(v);
    if (shape) return shape;
    const r = v as AuditEvent & { seq: number; time: string; prev: string; hash: string };
    const want = this.records + 1;
    if (r.seq > want) return `seq ${r.seq} where ${want} was expected: ${r.seq === want + 1 ? 'a record was' : 'records were'} removed or reordered`;
    if (r.seq < want) return `seq ${r.seq} where ${want} was expected: records were reordered or duplicated`;
    if (r.prev !== this.head) return 'prev is not the hash of the record before: a record was removed or reordered';
    const body = recordBody(r.seq, r.time, r.prev, r);
    if (recordLine(body, r.hash) !== line) return 'the record is not in canonical form (field order, spacing or escaping changed)';
    const hash = chainHash(this.headBytes, body);
    const hex = hash.toString('hex');
    if (hex !== r.hash) return 'hash mismatch: the record was edited';
    this.records++;
    this.head = hex;
    this.headBytes = hash;
    if (hex === this.expectHead) this.sawExpected = true;
    return null;
  }

  /** After the last line: the result, with the expectHead check. */
  finish(lines: number): AuditVerifyResult {
    if (!this.sawExpected)
      return { ok: false, line: lines + 1, problem: `the log does not contain the expected head ${this.expectHead ?? ''}: records were removed from the end, or the log was replaced` };
    return { ok: true, records: this.records, head: this.head };
  }
}

const TRUNCATED = 'truncated last line (no newline at the end)';

export function verifyAuditLog(text: string, opts: AuditVerifyOptions = {}): AuditVerifyResult {
  const chain = new AuditChain(opts.expectHead);
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  for (let i = 0; i < lines.length; i++) {
    const problem = chain.push(lines[i]!);
    if (problem) return { ok: false, line: i + 1, problem };
  }
  if (rest !== '') return { ok: false, line: lines.length + 1, problem: TRUNCATED };
  return chain.finish(lines.length);
}

/** The same over a byte stream, for logs too large to hold as one string. */
export async function verifyAuditChunks(chunks: AsyncIterable<Uint8Array>, opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
  const chain = new AuditChain(opts.expectHead);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = Buffer.alloc(0);
  let line = 0;
  for await (const chunk of chunks) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : Buffer.from(chunk);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      line++;
      let text: string;
      try {
        text = decoder.decode(buf.subarray(start, nl));
      } catch {
        return { ok: false, line, problem: 'not valid UTF-8' };
      }
      const problem = chain.push(text);
      if (problem) return { ok: false, line, problem };
      start = nl + 1;
    }
    rest = Buffer.from(buf.subarray(start));
  }
  if (rest.length) return { ok: false, line: line + 1, problem: TRUNCATED };
  return chain.finish(line);
}
