/**
 * The rewrap decision for one authenticated request
 * (docs/ARCHITECTURE.md#the-rewrap-service): per item, the kill switch, the
 * key's state, the policy, the document's writer (writer-check.ts); then the
 * allowed items are unwrapped and re-sealed to the caller by the worker pool,
 * which verifies the writers' signatures first; every decision is audited
 * (fsynced), naming the writer, before any sealed DEK leaves the service.
 */
import { b64url, fromB64url, wipe } from '../../core/bytes.js';
import { serverResponseKey } from '../../core/crypto/rewrap-seal.js';
import type { Keyring } from './keyring.js';
import { RewrapFault } from './rewrap-request.js';
import type { RewrapItem, RewrapRequest, RewrapResponse, RewrapResult, WireCode } from '../protocol/types.js';
import type { AuditEvent, Policy } from './types.js';
import type { Caller } from '../auth/types.js';
import type { WorkerItem } from './unwrap-worker.js';
import type { ItemWriter, WriterCheck } from './writer-check.js';

/** The worker pool as the service uses it: results come back for `indexes` (the items' places in the request). */
export interface Rewrapper {
  rewrap(items: WorkerItem[], responseKey: Uint8Array, indexes: number[]): Promise<RewrapResult[]>;
}

export interface Auditor {
  append(events: AuditEvent[]): Promise<void>;
}

export interface RewrapContext {
  caller: Caller;
  requestId: string;
  remote?: string;
}

/** The audit record of one item's decision: who asked, the operation, the item's scope and document, how it went. */
export function itemAuditEvent(
  ctx: RewrapContext,
  subject: string,
  operation: AuditEvent['operation'],
  item: { scope: string; docId: string },
  r: { ok: true } | { ok: false; error: WireCode },
  extra: Partial<AuditEvent>,
): AuditEvent {
  return {
    subject,
    method: ctx.caller.method,
    operation,
    decision: r.ok ? 'allow' : 'deny',
    reason: r.ok ? 'ok' : r.error,
    scope: item.scope,
    docId: item.docId,
    ...extra,
    requestId: ctx.requestId,
    ...(ctx.remote ? { remote: ctx.remote } : {}),
  };
}

const MESSAGES: Partial<Record<WireCode, (item: RewrapItem, subject: string) => string>> = {
  root_revoked: () => 'the root of trust refuses to unseal the org key (kill switch); ask the key owner',
  unknown_kid: (i) => `the service has no org key ${i.kid}`,
  key_revoked: (i) => `the org key ${i.kid} was revoked or destroyed`,
  denied: (i, s) => `denied by policy for scope ${i.scope} (subject ${s})`,
};

const refused = (code: WireCode, item: RewrapItem, subject: string): RewrapResult => ({ ok: false, error: code, message: MESSAGES[code]?.(item, subject) ?? code });

/** The item as the worker needs it: without what the signature covers unless the worker verifies it. */
function workerItem(item: RewrapItem, verify?: 'unwrap' | 'only'): WorkerItem {
  const { signed, ...bare } = item;
  return verify && signed ? { ...bare, signed, verify } : bare;
}

/** The audit's names for a writer. */
const writerFields = (w: ItemWriter | undefined): Pick<AuditEvent, 'writerKid' | 'writer'> => (w ? { writerKid: w.kid, ...(w.subject === undefined ? {} : { writer: w.subject }) } : {});

export class RewrapService {
  constructor(
    private readonly keyring: Keyring,
    private readonly pool: Rewrapper,
    private readonly policy: () => Policy,
    private readonly audit: Auditor,
    private readonly writers: Pick<WriterCheck, 'verdict' | 'verified'>,
  ) {}

  /** Pre-pool verdict for one item: a wire code to refuse with, or null when the pool should try it. */
  #verdict(item: RewrapItem, subject: string, policy: Policy): WireCode | null {
    if (this.keyring.state !== 'ready') return 'root_revoked';
    const state = this.keyring.keyState(item.kid);
    if (state === undefined) return 'unknown_kid';
    if (state === 'revoked' || state === 'destroyed') return 'key_revoked';
    return policy.decide(subject, item.scope, 'rewrap').allowed ? null : 'denied';
  }

  async rewrap(req: RewrapRequest, ctx: RewrapContext): Promise<RewrapResponse> {
    const subject = ctx.caller.subject;
    const policy = this.policy();
    let response: { serverPublic: Uint8Array; key: Uint8Array };
    try {
      response = serverResponseKey(fromB64url(req.clientKey, 'clientKey'));
    } catch {
      throw new RewrapFault('bad_request', 400, 'clientKey is not an X25519 public key');
    }
    const results: RewrapResult[] = new Array(req.items.length);
    const writers: (ItemWriter | undefined)[] = new Array(req.items.length);
    const toPool: WorkerItem[] = [];
    const indexes: number[] = [];
    /** Per pool item: the cache key of a signature the worker verifies, and the message of a writer_denied it answers. */
    const checks: ({ cacheKey: string; deniedMessage: string } | undefined)[] = [];
    req.items.forEach((item, i) => {
      const code = this.#verdict(item, subject, policy);
      if (code) {
        results[i] = refused(code, item, subject);
        return;
      }
      const w = this.writers.verdict(item, policy);
      writers[i] = w.writer;
      if (w.refuse) {
        results[i] = { ok: false, error: w.refuse, message: w.message };
        return;
      }
      toPool.push(workerItem(item, w.verify ? (w.verify.denied ? 'only' : 'unwrap') : undefined));
      indexes.push(i);
      checks.push(w.verify);
    });
    try {
      if (toPool.length) {
        const done = await this.pool.rewrap(toPool, response.key, indexes);
        done.forEach((r, j) => {
          const check = checks[j];
          if (check && (r.ok || r.error === 'writer_denied')) this.writers.verified(check.cacheKey);
          results[indexes[j]!] = r.ok ? r : { ...r, message: r.error === 'writer_denied' && check ? check.deniedMessage : r.message || r.error };
        });
      }
    } finally {
      wipe(response.key);
    }
    await this.audit.append(req.items.map((item, i) => itemAuditEvent(ctx, subject, 'rewrap', item, results[i]!, { kid: item.kid, ...writerFields(writers[i]) })));
    return { serverKey: b64url(response.serverPublic), items: results };
  }
}
