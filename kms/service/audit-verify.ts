/**
 * The audit log's record format and its verification
 * (docs/ARCHITECTURE.md#audit).
 *
 * One JSON line per record: {"seq","time","prev", event fields…, "count"?,
 * "hash","mac"} in that fixed order. hash = SHA-256(prev hash bytes ‖ the
 * line without its hash and mac fields); the first prev is 64 zeros.
 * mac = HMAC-SHA-256(audit key, "gitseal/audit-mac/v1" ‖ hash), keyed with
 * the service's audit key (audit-key.ts), which the root of trust seals.
 *
 * Two layers, because each catches what the other cannot (issue 15): the
 * hash chain is public, so anyone can recompute it and compare it with a
 * head the service signed earlier (checkpoint.ts), which catches a log
 * rewritten before that head even by someone holding the audit key; the
 * MAC of each record, checked by whoever holds the audit key (the service
 * at every start), catches a re-chained log after the last published head,
 * which a plain hash chain cannot. Removing records from the end is caught
 * only against a head seen earlier (`expectHead`, `checkpoint`).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditEvent } from './types.js';

export const ZERO_HASH = '0'.repeat(64);

/** The event fields in the order they stand in a record; nothing else is written. */
export const EVENT_FIELDS = ['subject', 'method', 'operation', 'decision', 'reason', 'scope', 'kid', 'docId', 'writerKid', 'writer', 'requestId', 'remote'] as const satisfies ReadonlyArray<keyof AuditEvent>;
const REQUIRED_FIELDS: ReadonlySet<string> = new Set(['subject', 'method', 'operation', 'decision', 'reason', 'requestId']);
const RECORD_FIELDS: ReadonlySet<string> = new Set(['seq', 'time', 'prev', 'count', 'hash', 'mac', ...EVENT_FIELDS]);
const HEX64 = /^[0-9a-f]{64}$/;
const MAC_DOMAIN = 'gitseal/audit-mac/v1';

/** An event as the log takes it: `count` (≥ 1) when one record stands for that many like events (refusal-audit.ts). */
export type AuditEntry = AuditEvent & { count?: number };

export type AuditVerifyResult = { ok: true; records: number; head: string } | { ok: false; line: number; problem: string };

export interface AuditVerifyOptions {
  /** A head seen earlier (hex): the log must still contain it; records appended since are fine. */
  expectHead?: string;
  /** A head the service signed (checkpoint.ts): record `seq` must have hash `head`; records appended since are fine. */
  checkpoint?: { seq: number; head: string };
  /** The unsealed audit key: every record's MAC is checked. Without it only the public hash chain is. */
  key?: Uint8Array;
}

/** Canonical JSON of a record without its hash and mac. */
export function recordBody(seq: number, time: string, prev: string, event: AuditEntry): string {
  let s = `{"seq":${seq},"time":${JSON.stringify(time)},"prev":"${prev}"`;
  for (const k of EVENT_FIELDS) {
    const v = event[k];
    if (v !== undefined) s += `,"${k}":${JSON.stringify(v)}`;
  }
  if (event.count !== undefined) s += `,"count":${event.count}`;
  return `${s}}`;
}

export function chainHash(prev: Uint8Array, body: string): Buffer {
  return createHash('sha256').update(prev).update(body, 'utf8').digest();
}

/** The record's MAC under the audit key, over its chain hash (which covers every record before it). */
export function recordMac(key: Uint8Array, hash: Uint8Array): Buffer {
  return createHmac('sha256', key).update(MAC_DOMAIN).update(hash).digest();
}

/** The line as written, without its newline. */
export function recordLine(body: string, hash: string, mac: string): string {
  return `${body.slice(0, -1)},"hash":"${hash}","mac":"${mac}"}`;
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
  if (r.mac === undefined) return 'the record has no mac: a log from before gitseal keyed its audit chain; move it aside and start a new one';
  if (typeof r.mac !== 'string' || !HEX64.test(r.mac)) return 'mac is not an HMAC-SHA-256 hex value';
  if (r.count !== undefined && (typeof r.count !== 'number' || !Number.isSafeInteger(r.count) || r.count < 1)) return 'count is not a positive integer';
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
  private readonly expectHead: string | undefined;
  private readonly checkpoint: { seq: number; head: string } | undefined;
  private readonly key: Uint8Array | undefined;

  constructor(opts: AuditVerifyOptions = {}) {
    this.expectHead = opts.expectHead;
    this.checkpoint = opts.checkpoint;
    this.key = opts.key;
    this.sawExpected = this.expectHead === undefined || this.expectHead === ZERO_HASH;
    if (this.checkpoint?.seq === 0 && this.checkpoint.head !== ZERO_HASH) throw new RangeError('a checkpoint at seq 0 has the zero head');
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
    const r = v as AuditEntry & { seq: number; time: string; prev: string; hash: string; mac: string };
    const want = this.records + 1;
    if (r.seq > want) return `seq ${r.seq} where ${want} was expected: ${r.seq === want + 1 ? 'a record was' : 'records were'} removed or reordered`;
    if (r.seq < want) return `seq ${r.seq} where ${want} was expected: records were reordered or duplicated`;
    if (r.prev !== this.head) return 'prev is not the hash of the record before: a record was removed or reordered';
    const body = recordBody(r.seq, r.time, r.prev, r);
    if (recordLine(body, r.hash, r.mac) !== line) return 'the record is not in canonical form (field order, spacing or escaping changed)';
    const hash = chainHash(this.headBytes, body);
    const hex = hash.toString('hex');
    if (hex !== r.hash) return 'hash mismatch: the record was edited';
    if (this.key && !timingSafeEqual(recordMac(this.key, hash), Buffer.from(r.mac, 'hex')))
      return 'mac mismatch: the record was not written with this audit key (the log was re-chained or replaced)';
    if (this.checkpoint?.seq === r.seq && this.checkpoint.head !== hex)
      return `the hash of record ${r.seq} is not the head the checkpoint signed: the log was rewritten at or before it`;
    this.records++;
    this.head = hex;
    this.headBytes = hash;
    if (hex === this.expectHead) this.sawExpected = true;
    return null;
  }

  /** After the last line: the result, with the expectHead check. */
  finish(lines: number): AuditVerifyResult {
    if (this.checkpoint && this.records < this.checkpoint.seq)
      return { ok: false, line: lines + 1, problem: `the log ends at seq ${this.records} but the checkpoint signed seq ${this.checkpoint.seq}: records were removed from the end, or the log was replaced` };
    if (!this.sawExpected)
      return { ok: false, line: lines + 1, problem: `the log does not contain the expected head ${this.expectHead ?? ''}: records were removed from the end, or the log was replaced` };
    return { ok: true, records: this.records, head: this.head };
  }
}

const TRUNCATED = 'truncated last line (no newline at the end)';

export function verifyAuditLog(text: string, opts: AuditVerifyOptions = {}): AuditVerifyResult {
  const chain = new AuditChain(opts);
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
  const chain = new AuditChain(opts);
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
