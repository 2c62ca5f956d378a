/**
 * The service's hash-chained audit log (docs/ARCHITECTURE.md#audit); the
 * record format is in audit-verify.ts. Appends are serialised and
 * group-committed: what callers hand in while a write is in flight goes out
 * together in the next single write + fdatasync. An append resolves only once
 * its records are on disk, and rejects with E_AUDIT when they might not be,
 * so the service can refuse to answer what it cannot audit. Every record
 * carries a MAC under the audit key (audit-key.ts), which this object holds
 * for its lifetime and wipes at close.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GitsealError, fail, isGitsealError } from '../../core/errors.js';
import { wipe } from '../../core/bytes.js';
import { chainHash, EVENT_FIELDS, recordBody, recordLine, recordMac, verifyAuditChunks, type AuditEntry } from './audit-verify.js';

export interface AuditLogOptions {
  /** The unsealed 32-byte audit key; the log keeps a copy. */
  key: Uint8Array;
  now?: () => Date;
}

interface Pending {
  events: AuditEntry[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

const REQUIRED: ReadonlySet<string> = new Set(['subject', 'method', 'operation', 'decision', 'reason', 'requestId']);
const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException | null)?.code ?? String(e);

/** A copy holding only the known fields, so nothing else reaches the log, even if the caller mutates the event later. */
function copyEvent(e: AuditEntry): AuditEntry {
  const out: Record<string, string | number> = {};
  for (const k of EVENT_FIELDS) {
    const v: unknown = e[k];
    if (v === undefined) {
      if (REQUIRED.has(k)) fail('E_AUDIT', `audit event field ${k} is missing`);
    } else if (typeof v !== 'string') fail('E_AUDIT', `audit event field ${k} must be a string`);
    else out[k] = v;
  }
  if (e.count !== undefined) {
    if (!Number.isSafeInteger(e.count) || e.count < 1) fail('E_AUDIT', 'audit event count must be a positive integer');
    out.count = e.count;
  }
  return out as unknown as AuditEntry;
}

async function* readChunks(fh: FileHandle): AsyncGenerator<Uint8Array> {
  for (let pos = 0; ; ) {
    const buf = Buffer.allocUnsafe(1 << 20);
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  for (let off = 0; off < data.length; ) off += (await fh.write(data, off, data.length - off)).bytesWritten;
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export class AuditLog {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private broken: string | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private seq: number,
    private hash: string,
    private hashBytes: Buffer,
    private size: number,
    private readonly key: Uint8Array,
    private readonly now: () => Date,
  ) {}

  /**
   * Opens (or creates, mode 0600) the log and verifies the whole chain
   * first: E_AUDIT when it is broken, so nothing is appended to a tampered log.
   */
  static async open(path: string, opts: AuditLogOptions): Promise<AuditLog> {
    if (opts.key.length !== 32) throw new RangeError('the audit key is 32 bytes');
    const existed = await stat(path).then(
      () => true,
      () => false,
    );
    let fh: FileHandle;
    try {
      fh = await open(path, 'a+', 0o600);
      if (!existed) await syncDir(path);
    } catch (e) {
      return fail('E_AUDIT', `cannot open the audit log ${path}: ${errnoOf(e)}`);
    }
    try {
      const result = await verifyAuditChunks(readChunks(fh), { key: opts.key });
      if (!result.ok)
        fail('E_AUDIT', `${path}: line ${result.line}: ${result.problem}; refusing to append to a broken audit log (see gitseal audit verify)`);
      const { size } = await fh.stat();
      return new AuditLog(path, fh, result.records, result.head, Buffer.from(result.head, 'hex'), size, Uint8Array.from(opts.key), opts.now ?? (() => new Date()));
    } catch (e) {
      await fh.close().catch(() => undefined);
      if (isGitsealError(e)) throw e;
      return fail('E_AUDIT', `cannot read the audit log ${path}: ${errnoOf(e)}`);
    }
  }

  /** The last record on disk; seq 0 and 64 zeros for an empty log. */
  head(): { seq: number; hash: string } {
    return { seq: this.seq, hash: this.hash };
  }

  /** Resolves once every event is written and fsynced; E_AUDIT otherwise. */
  append(events: readonly AuditEntry[]): Promise<void> {
    if (this.closed) return Promise.reject(new GitsealError('E_AUDIT', 'the audit log is closed'));
    if (this.broken) return Promise.reject(new GitsealError('E_AUDIT', this.broken));
    let copies: AuditEntry[];
    try {
      copies = events.map(copyEvent);
    } catch (e) {
      return Promise.reject(e);
    }
    if (copies.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ events: copies, resolve, reject });
      this.kick();
    });
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    wipe(this.key);
    await this.fh.close();
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      if (this.queue.length) this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0);
      try {
        await this.commit(batch.flatMap((p) => p.events));
        for (const p of batch) p.resolve();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
  }

  private async commit(events: AuditEntry[]): Promise<void> {
    if (this.broken) fail('E_AUDIT', this.broken);
    let time: string;
    try {
      time = this.now().toISOString();
    } catch {
      return fail('E_AUDIT', 'the clock gave an invalid time');
    }
    let seq = this.seq;
    let prev = this.hash;
    let prevBytes = this.hashBytes;
    const lines: string[] = [];
    for (const event of events) {
      const body = recordBody(++seq, time, prev, event);
      prevBytes = chainHash(prevBytes, body);
      prev = prevBytes.toString('hex');
      lines.push(recordLine(body, prev, recordMac(this.key, prevBytes).toString('hex')));
    }
    lines.push('');
    const data = Buffer.from(lines.join('\n'), 'utf8');
    try {
      await writeAll(this.fh, data);
    } catch (e) {
      await this.fh.truncate(this.size).catch(() => {
        this.broken = `the audit log ${this.path} holds a partial write and cannot take more records; restart the service`;
      });
      fail('E_AUDIT', `cannot write the audit log ${this.path}: ${errnoOf(e)}`);
    }
    try {
      await this.fh.datasync();
    } catch (e) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing written since open is known durable.
      this.broken = `the audit log ${this.path} could not be synced (${errnoOf(e)}); restart the service`;
      fail('E_AUDIT', this.broken);
    }
    this.seq = seq;
    this.hash = prev;
    this.hashBytes = prevBytes;
    this.size += data.length;
  }
}
