/**
 * Signed checkpoints of the audit log's head (docs/ARCHITECTURE.md#audit):
 * {seq, head, time}, signed with the service's writer key over
 * lengthPrefixed("gitseal/audit-checkpoint/v1", kid, seq, head, time). The
 * service takes one at start, then every interval while records were added,
 * and one at shutdown; the latest is served on GET /v1/audit/head and each
 * one goes to the service log, so copies leave the host. A log rewritten
 * before a checkpoint someone kept no longer matches it
 * (`gitseal audit verify --checkpoint`).
 *
 * Signing happens only here, on a timer, never because of a request: the
 * route only reads the latest checkpoint, so it costs nothing to ask.
 */
import { b64url, fromB64url, lengthPrefixed } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { isRecord } from '../../core/is-record.js';
import { verifyWriterSignature, type WriterPublic, type WriterSigner } from '../../core/crypto/writer-key.js';
import { ZERO_HASH } from './audit-verify.js';

const DOMAIN = 'gitseal/audit-checkpoint/v1';
const HEX64 = /^[0-9a-f]{64}$/;
const FIELDS = new Set(['seq', 'head', 'time', 'writerKid', 'signature']);

/** A checkpoint as GET /v1/audit/head answers it; unsigned when the service has no writer key. */
export interface AuditCheckpoint {
  readonly seq: number;
  /** The hash of record `seq` (hex); 64 zeros at seq 0. */
  readonly head: string;
  readonly time: string;
  readonly writerKid?: string;
  /** base64url ML-DSA-65 ∥ Ed25519 signature. */
  readonly signature?: string;
}

const message = (kid: string, seq: number, head: string, time: string): Uint8Array => lengthPrefixed([DOMAIN, kid, String(seq), head, time]);

export function signCheckpoint(signer: WriterSigner | null, head: { seq: number; hash: string }, time: Date): AuditCheckpoint {
  const cp = { seq: head.seq, head: head.hash, time: time.toISOString() };
  if (!signer) return cp;
  return { ...cp, writerKid: signer.kid, signature: b64url(signer.sign(message(signer.kid, cp.seq, cp.head, cp.time))) };
}

/** True when the checkpoint is signed by `writer` and the signature verifies. */
export function checkpointSignedBy(cp: AuditCheckpoint, writer: WriterPublic): boolean {
  if (cp.writerKid !== writer.kid || cp.signature === undefined) return false;
  let sig: Uint8Array;
  try {
    sig = fromB64url(cp.signature, 'the checkpoint signature');
  } catch {
    return false;
  }
  return verifyWriterSignature(writer, message(writer.kid, cp.seq, cp.head, cp.time), sig);
}

/** Reads a checkpoint saved from GET /v1/audit/head (the object itself or {checkpoint: …}); E_AUDIT when malformed. */
export function parseCheckpoint(v: unknown, what: string): AuditCheckpoint {
  const c = isRecord(v) && isRecord(v.checkpoint) ? v.checkpoint : v;
  if (!isRecord(c)) return fail('E_AUDIT', `${what} is not an audit checkpoint (a JSON object)`);
  const unknown = Object.keys(c).find((k) => !FIELDS.has(k));
  if (unknown !== undefined) fail('E_AUDIT', `${what}: unknown field ${JSON.stringify(unknown.slice(0, 32))}`);
  const { seq, head, time, writerKid, signature } = c;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) fail('E_AUDIT', `${what}: seq is not a non-negative integer`);
  if (typeof head !== 'string' || !HEX64.test(head) || (seq === 0 && head !== ZERO_HASH)) fail('E_AUDIT', `${what}: head is not a SHA-256 hex hash`);
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) fail('E_AUDIT', `${what}: time is not a timestamp`);
  if ((writerKid !== undefined || signature !== undefined) && (typeof writerKid !== 'string' || typeof signature !== 'string'))
    fail('E_AUDIT', `${what}: writerKid and signature go together, as strings`);
  return { seq, head, time, ...(typeof writerKid === 'string' && typeof signature === 'string' ? { writerKid, signature } : {}) };
}

export interface CheckpointerOptions {
  /** How often the head is signed again when records were added; default 60 s. */
  intervalMs?: number;
  now?: () => Date;
  /** Each new checkpoint, for the service log. */
  onCheckpoint?: (cp: AuditCheckpoint) => void;
}

/** Signs the log's head at start, every interval when it moved, and at close. */
export class Checkpointer {
  #latest: AuditCheckpoint;
  readonly #timer: NodeJS.Timeout;
  readonly #now: () => Date;
  readonly #onCheckpoint: (cp: AuditCheckpoint) => void;

  constructor(
    private readonly log: { head(): { seq: number; hash: string } },
    private readonly signer: WriterSigner | null,
    opts: CheckpointerOptions = {},
  ) {
    this.#now = opts.now ?? (() => new Date());
    this.#onCheckpoint = opts.onCheckpoint ?? (() => {});
    this.#latest = this.#take();
    this.#timer = setInterval(() => this.checkpoint(), opts.intervalMs ?? 60_000).unref();
  }

  /** The latest signed checkpoint. */
  latest(): AuditCheckpoint {
    return this.#latest;
  }

  /** Signs the head now if it moved since the latest checkpoint; the latest either way. */
  checkpoint(): AuditCheckpoint {
    if (this.log.head().seq !== this.#latest.seq) this.#latest = this.#take();
    return this.#latest;
  }

  /** Stops the timer and signs the final head; call after the last append. */
  close(): AuditCheckpoint {
    clearInterval(this.#timer);
    return this.checkpoint();
  }

  #take(): AuditCheckpoint {
    const cp = signCheckpoint(this.signer, this.log.head(), this.#now());
    this.#onCheckpoint(cp);
    return cp;
  }
}
