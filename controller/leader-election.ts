/**
 * Leader election over a coordination.k8s.io/v1 Lease, after client-go's
 * leaderelection package (docs/ARCHITECTURE.md#the-controller): one
 * controller replica reconciles, the others stand by and take over when the
 * leader's lease runs out.
 *
 * Safety rests on two timing rules plus the store's optimistic concurrency:
 * - a candidate takes a held lease only after it has seen the lease record
 *   unchanged for leaseDurationSeconds of its OWN clock, so remote
 *   timestamps are never compared with local time and clock skew between
 *   nodes does not matter (only clock rate does);
 * - the leader stops leading renewDeadline (< leaseDuration) after the START
 *   of its last successful renewal, i.e. before anyone can have watched that
 *   renewal for a whole lease duration.
 */
import { V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from '../runtime/log.js';
import { LeaseConflict, microTime, type Lease, type LeaseStore } from './lease-store.js';

export { LeaseConflict, leaseStoreFor, type Lease, type LeaseStore } from './lease-store.js';

export interface LeaderElectionOptions {
  /** This candidate's name in spec.holderIdentity (e.g. the pod name). */
  identity: string;
  /** How long standbys wait, after last seeing the lease change, before taking it. Stored in whole seconds, rounded up. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps leading without a successful renewal. Default 10 s. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  now?: () => Date;
  log?: Logger;
}

/** What this candidate last saw in the lease, and when by its own clock. */
interface Observed {
  holder: string;
  durationMs: number;
  transitions: number;
  acquireTime: V1MicroTime | undefined;
  key: string;
  at: number;
}

const JITTER = 1.2;

export class LeaderElector {
  readonly #store: LeaseStore;
  readonly #identity: string;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #now: () => Date;
  readonly #log: Logger;

  readonly #startedListeners: Array<() => void> = [];
  readonly #stoppedListeners: Array<() => void> = [];
  readonly #newLeaderListeners: Array<(identity: string) => void> = [];

  /** The lease as last read or written, for its resourceVersion. */
  #lease: Lease | null = null;
  #observed: Observed | null = null;
  #reportedLeader = '';
  #leading = false;
  #leadingUntil = -Infinity;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #runs = 0;
  #current: number | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  /** Throws TypeError for an empty identity and RangeError for durations that cannot be safe. */
  constructor(store: LeaseStore, opts: LeaderElectionOptions) {
    if (typeof opts.identity !== 'string' || opts.identity === '') throw new TypeError('identity must be a non-empty string');
    this.#store = store;
    this.#identity = opts.identity;
    this.#leaseDurationMs = positive(opts.leaseDurationMs ?? 15_000, 'leaseDurationMs');
    this.#renewDeadlineMs = positive(opts.renewDeadlineMs ?? 10_000, 'renewDeadlineMs');
    this.#retryPeriodMs = positive(opts.retryPeriodMs ?? 2_000, 'retryPeriodMs');
    if (this.#leaseDurationMs <= this.#renewDeadlineMs) throw new RangeError('leaseDurationMs must be greater than renewDeadlineMs');
    if (this.#renewDeadlineMs <= JITTER * this.#retryPeriodMs) throw new RangeError(`renewDeadlineMs must be greater than ${JITTER} × retryPeriodMs`);
    this.#now = opts.now ?? (() => new Date());
    this.#log = opts.log ?? (() => {});
  }

  /** True while this candidate holds the lease and its renew deadline has not passed. */
  get isLeader(): boolean {
    return this.#leading && this.#clock() < this.#leadingUntil;
  }

  onStartedLeading(cb: () => void): void {
    this.#startedListeners.push(cb);
  }

  onStoppedLeading(cb: () => void): void {
    this.#stoppedListeners.push(cb);
  }

  /** Called with the holder's identity whenever the observed holder changes (including to this candidate). */
  onNewLeader(cb: (identity: string) => void): void {
    this.#newLeaderListeners.push(cb);
  }

  /** Starts trying to acquire, then renew, the lease every retryPeriod; a second call does nothing. */
  start(): void {
    if (this.#current !== undefined) return;
    const run = ++this.#runs;
    this.#current = run;
    this.#loop = this.#run(run);
  }

  /**
   * Stops leading (onStoppedLeading runs first, synchronously), waits up to
   * renewDeadline for a request in flight, then — unless `release: false` —
   * releases the lease so that a standby takes over at its next retry.
   * Never throws: a failed release only means standbys wait for expiry.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    const loop = this.#loop;
    if (this.#current === undefined || loop === undefined) return;
    this.#current = undefined;
    this.#loop = undefined;
    this.#wake?.();
    this.#stepDown('stopped');
    const finished = await settlesWithin(loop, this.#renewDeadlineMs);
    if ((opts.release ?? true) && finished) await this.#release();
  }

  async #run(run: number): Promise<void> {
    while (this.#current === run) {
      const start = this.#clock();
      const held = await this.#tryAcquireOrRenew(start).catch((err: unknown) => {
        this.#log(err instanceof LeaseConflict ? 'debug' : 'warn', 'leader election: lease request failed', { identity: this.#identity, error: message(err) });
        return false;
      });
      if (this.#current !== run) return;
      this.#reportLeader();
      if (held) this.#renewed(start);
      await this.#sleep(this.#leading ? this.#retryPeriodMs : this.#retryPeriodMs * (1 + Math.random() * JITTER));
    }
  }

  /** One round of client-go's tryAcquireOrRenew; true when this candidate now holds the lease. */
  async #tryAcquireOrRenew(start: number): Promise<boolean> {
    const now = new V1MicroTime(start);
    const mine = this.#observed?.holder === this.#identity;
    if (this.#lease !== null && this.#observed !== null && mine && this.#valid(start)) {
      try {
        this.#wrote(await this.#store.replace(this.#withSpec(this.#lease, now, this.#observed.acquireTime ?? now, this.#observed.transitions)), start);
        return true;
      } catch (err) {
        this.#log('debug', 'leader election: renewal from cache failed, rereading the lease', { identity: this.#identity, error: message(err) });
      }
    }
    const current = await this.#store.get();
    if (current === null) {
      this.#wrote(await this.#store.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: {}, spec: this.#spec(now, now, 0) }), start);
      return true;
    }
    this.#lease = current;
    // Observed after the read returned: never earlier than the write it shows.
    const seen = this.#observe(current, this.#clock(), false);
    if (seen.holder !== '' && seen.holder !== this.#identity && this.#valid(this.#clock())) return false;
    const lease = seen.holder === this.#identity
      ? this.#withSpec(current, now, seen.acquireTime ?? now, seen.transitions)
      : this.#withSpec(current, now, now, seen.transitions + 1);
    this.#wrote(await this.#store.replace(lease), start);
    return true;
  }

  async #release(): Promise<void> {
    if (this.#lease === null || this.#observed?.holder !== this.#identity) return;
    const start = this.#clock();
    const now = new V1MicroTime(start);
    const released: Lease = {
      ...this.#lease,
      spec: { ...this.#lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.#observed.transitions },
    };
    try {
      this.#wrote(await this.#store.replace(released), start);
      this.#log('info', 'leader election: released the lease', { identity: this.#identity });
    } catch (err) {
      this.#log('warn', 'leader election: could not release the lease; standbys take over when it expires', { identity: this.#identity, error: message(err) });
    }
  }

  #spec(renewTime: V1MicroTime, acquireTime: V1MicroTime, leaseTransitions: number): NonNullable<Lease['spec']> {
    return { holderIdentity: this.#identity, leaseDurationSeconds: Math.ceil(this.#leaseDurationMs / 1000), acquireTime, renewTime, leaseTransitions };
  }

  #withSpec(lease: Lease, renewTime: V1MicroTime, acquireTime: V1MicroTime, leaseTransitions: number): Lease {
    return { ...lease, spec: { ...lease.spec, ...this.#spec(renewTime, acquireTime, leaseTransitions) } };
  }

  #wrote(lease: Lease, start: number): void {
    this.#lease = lease;
    this.#observe(lease, start, true);
  }

  #observe(lease: Lease, at: number, force: boolean): Observed {
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    const transitions = spec.leaseTransitions ?? 0;
    const acquireTime = microTime(spec.acquireTime);
    const key = JSON.stringify([holder, durationMs, transitions, acquireTime?.getTime(), microTime(spec.renewTime)?.getTime()]);
    if (force || this.#observed === null || this.#observed.key !== key) {
      this.#observed = { holder, durationMs, transitions, acquireTime, key, at };
    }
    return this.#observed;
  }

  #valid(at: number): boolean {
    return this.#observed !== null && at < this.#observed.at + this.#observed.durationMs;
  }

  #renewed(start: number): void {
    const until = start + this.#renewDeadlineMs;
    const left = until - this.#clock();
    if (left <= 0) return;
    this.#leadingUntil = until;
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(() => this.#stepDown('the lease was not renewed within renewDeadline'), left);
    if (this.#leading) return;
    this.#leading = true;
    this.#log('info', 'leader election: started leading', { identity: this.#identity });
    this.#emit(this.#startedListeners);
  }

  #stepDown(reason: string): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    this.#leadingUntil = -Infinity;
    if (!this.#leading) return;
    this.#leading = false;
    this.#log('info', 'leader election: stopped leading', { identity: this.#identity, reason });
    this.#emit(this.#stoppedListeners);
  }

  #reportLeader(): void {
    const holder = this.#observed?.holder ?? '';
    if (holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    if (holder === '') return;
    this.#log('info', 'leader election: new leader', { identity: this.#identity, leader: holder });
    this.#emit(this.#newLeaderListeners, holder);
  }

  #emit<A extends unknown[]>(listeners: Array<(...args: A) => void>, ...args: A): void {
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (err) {
        this.#log('error', 'leader election: a callback threw', { identity: this.#identity, error: message(err) });
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        if (this.#wake === wake) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wake = wake;
    });
  }

  #clock(): number {
    return this.#now().getTime();
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  return value;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
