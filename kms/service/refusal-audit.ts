/**
 * Refused credentials in the audit log, counted rather than written one by
 * one (issue 15): a flood of bad tokens must not cost one fdatasync each.
 * The first refusal of a reason in an interval is written at once (so a
 * refusal is on disk before its answer, as before); the rest of that
 * interval are summed into one record per reason when it ends, or when the
 * service closes.
 *
 * A summary carries how many refusals it stands for in the record's `count`
 * field (audit-verify.ts), its `requestId` is `summary`, and it names `remote`
 * only when every refusal it counts came from one address.
 */
import type { AuditEntry } from './audit-verify.js';

interface Auditor {
  append(events: AuditEntry[]): Promise<void>;
}

interface Tally {
  count: number;
  remote: string | null;
}

export class RefusalAudit {
  readonly #tallies = new Map<string, Tally>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly audit: Auditor,
    intervalMs = 10_000,
    private readonly onError: (e: unknown) => void = () => {},
  ) {
    this.#timer = setInterval(() => void this.flush(), intervalMs).unref();
  }

  /**
   * Counts one refusal. Resolves once it is on disk when it is the first of
   * its reason this interval, at once otherwise; `leading: false` (a refusal
   * the address limiter already answered) never writes at once.
   */
  async refused(reason: string, remote: string, requestId: string, leading = true): Promise<void> {
    const t = this.#tallies.get(reason);
    if (t) {
      t.count++;
      if (t.remote !== remote) t.remote = null;
      return;
    }
    this.#tallies.set(reason, { count: leading ? 0 : 1, remote });
    if (leading) await this.audit.append([{ subject: 'unauthenticated', method: 'none', operation: 'authenticate', decision: 'deny', reason, requestId, remote }]);
  }

  /** Writes one record per reason counted since the last flush. */
  flush(): Promise<void> {
    const events = [...this.#tallies]
      .filter(([, t]) => t.count > 0)
      .map(([reason, t]) => ({
        subject: 'unauthenticated',
        method: 'none' as const,
        operation: 'authenticate' as const,
        decision: 'deny' as const,
        reason,
        requestId: 'summary',
        count: t.count,
        ...(t.remote === null ? {} : { remote: t.remote }),
      }));
    this.#tallies.clear();
    if (events.length > 0) this.#flushing = this.#flushing.then(() => this.audit.append(events)).catch(this.onError);
    return this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
