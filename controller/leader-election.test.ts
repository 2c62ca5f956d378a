import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiException, CoordinationV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaderElector, LeaseConflict, leaseStoreFor, type Lease, type LeaderElectionOptions, type LeaseStore } from './leader-election.js';

const TIMING = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 } as const;
/** Longest wait between two acquire attempts: retryPeriod plus client-go's 1.2 jitter. */
const MAX_RETRY_GAP = TIMING.retryPeriodMs * 2.2;

/** One Lease with the API server's optimistic concurrency: a stale resourceVersion gets a conflict. */
class LeaseBackend {
  lease: Lease | null = null;
  readonly writes: Array<{ at: number; holder: string }> = [];
  #version = 0;

  get(): Lease | null {
    return this.lease && structuredClone(this.lease);
  }

  create(lease: Lease): Lease {
    if (this.lease !== null) throw new LeaseConflict('already exists');
    return this.#store(lease);
  }

  replace(lease: Lease): Lease {
    if (this.lease === null) throw new Error('404: lease not found');
    if (lease.metadata?.resourceVersion !== this.lease.metadata?.resourceVersion) throw new LeaseConflict('409: stale resourceVersion');
    return this.#store(lease);
  }

  #store(lease: Lease): Lease {
    this.lease = structuredClone({ ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.#version) } });
    this.writes.push({ at: Date.now(), holder: this.lease.spec?.holderIdentity ?? '' });
    return structuredClone(this.lease);
  }
}

/** One candidate's connection to the backend: it can be slow, refuse requests, or lose responses. */
class FlakyStore implements LeaseStore {
  fail: 'none' | 'requests' | 'responses' = 'none';
  /** Each way: latencyMs plus up to jitterMs. */
  latencyMs = 0;
  jitterMs = 0;
  constructor(private readonly backend: LeaseBackend) {}

  get = (): Promise<Lease | null> => this.#call(() => this.backend.get());
  create = (lease: Lease): Promise<Lease> => this.#call(() => this.backend.create(lease));
  replace = (lease: Lease): Promise<Lease> => this.#call(() => this.backend.replace(lease));

  async #call<T>(op: () => T): Promise<T> {
    await this.#delay();
    if (this.fail === 'requests') throw new Error('connect ECONNREFUSED');
    const result = op();
    await this.#delay();
    if (this.fail === 'responses') throw new Error('socket hang up');
    return result;
  }

  async #delay(): Promise<void> {
    const ms = this.latencyMs + Math.random() * this.jitterMs;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

interface Term {
  identity: string;
  start: number;
  end: number;
}

/** Electors of one test, and every term of leadership their callbacks reported. */
class Cluster {
  readonly electors: LeaderElector[] = [];
  readonly terms: Term[] = [];
  readonly newLeaders = new Map<string, string[]>();

  candidate(identity: string, store: LeaseStore, opts: Partial<LeaderElectionOptions> = {}): LeaderElector {
    const elector = new LeaderElector(store, { identity, ...TIMING, ...opts });
    elector.onStartedLeading(() => this.terms.push({ identity, start: Date.now(), end: Infinity }));
    elector.onStoppedLeading(() => {
      const term = this.terms.filter((t) => t.identity === identity).at(-1);
      if (term) term.end = Date.now();
    });
    this.newLeaders.set(identity, []);
    elector.onNewLeader((leader) => this.newLeaders.get(identity)?.push(leader));
    this.electors.push(elector);
    return elector;
  }

  leaders(): number {
    return this.electors.filter((e) => e.isLeader).length;
  }

  /** Terms in start order; each must end before the next one starts. */
  overlaps(): Term[][] {
    const sorted = [...this.terms].sort((a, b) => a.start - b.start);
    return sorted.slice(1).flatMap((term, i) => (sorted[i]!.end > term.start ? [[sorted[i]!, term]] : []));
  }

  async stopAll(): Promise<void> {
    const stopped = Promise.all(this.electors.map((e) => e.stop({ release: false })));
    await vi.advanceTimersByTimeAsync(TIMING.renewDeadlineMs);
    await stopped;
  }
}

/** Advances fake time in steps, returning the time at which `done()` first held, or null. */
async function until(done: () => boolean, withinMs: number, stepMs = 5): Promise<number | null> {
  for (let waited = 0; waited <= withinMs; waited += stepMs) {
    if (done()) return Date.now();
    await vi.advanceTimersByTimeAsync(stepMs);
  }
  return null;
}

/** Deterministic randomness for the chaos schedule (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('LeaderElector', () => {
  let cluster: Cluster;

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    cluster = new Cluster();
  });

  afterEach(async () => {
    await cluster.stopAll();
    vi.useRealTimers();
  });

  it('makes a single candidate the leader and keeps renewing the lease', async () => {
    const backend = new LeaseBackend();
    const a = cluster.candidate('a', new FlakyStore(backend));
    a.start();
    expect(await until(() => a.isLeader, 50)).not.toBeNull();
    const first = backend.get()?.spec;
    expect(first).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 1, leaseTransitions: 0 });
    await vi.advanceTimersByTimeAsync(5_000);
    const later = backend.get()?.spec;
    expect(a.isLeader).toBe(true);
    expect(later?.renewTime?.getTime()).toBeGreaterThan(first?.renewTime?.getTime() ?? Infinity);
    expect(later?.acquireTime?.getTime()).toBe(first?.acquireTime?.getTime());
    expect(later?.leaseTransitions).toBe(0);
    expect(cluster.terms).toHaveLength(1);
    expect(cluster.newLeaders.get('a')).toEqual(['a']);
  });

  it('stores the lease duration in whole seconds, rounded up', async () => {
    const backend = new LeaseBackend();
    const a = cluster.candidate('a', new FlakyStore(backend), { leaseDurationMs: 300, renewDeadlineMs: 200, retryPeriodMs: 50 });
    a.start();
    await until(() => a.isLeader, 50);
    expect(backend.get()?.spec?.leaseDurationSeconds).toBe(1);
  });

  it('never has two leaders among candidates with slow, failing and lossy connections', async () => {
    const backend = new LeaseBackend();
    const random = prng(7);
    const stores = ['a', 'b', 'c'].map(() => new FlakyStore(backend));
    stores.forEach((store, i) => cluster.candidate('abc'[i]!, store).start());
    let worst = 0;
    for (let t = 0; t < 60_000; t += 5) {
      if (t % 250 === 0) {
        for (const store of stores) {
          const r = random();
          store.fail = r < 0.1 ? 'requests' : r < 0.2 ? 'responses' : 'none';
          store.latencyMs = random() < 0.05 ? 1_500 : 0;
          store.jitterMs = random() * 60;
        }
      }
      await vi.advanceTimersByTimeAsync(5);
      worst = Math.max(worst, cluster.leaders());
    }
    expect(worst).toBe(1);
    expect(cluster.overlaps()).toEqual([]);
    expect(new Set(cluster.terms.map((t) => t.identity)).size).toBeGreaterThan(1);

    for (const store of stores) {
      store.fail = 'none';
      store.latencyMs = 0;
      store.jitterMs = 10;
    }
    expect(await until(() => cluster.leaders() === 1, 3_000)).not.toBeNull();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(cluster.leaders()).toBe(1);
    expect(cluster.overlaps()).toEqual([]);
    const holderChanges = backend.writes.slice(1).filter((w, i) => w.holder !== backend.writes[i]!.holder).length;
    expect(backend.get()?.spec?.leaseTransitions).toBe(holderChanges);
  });

  it('steps a leader that cannot renew down within renewDeadline; a standby takes over after the lease duration', async () => {
    const backend = new LeaseBackend();
    const storeA = new FlakyStore(backend);
    const a = cluster.candidate('a', storeA);
    const b = cluster.candidate('b', new FlakyStore(backend));
    a.start();
    await until(() => a.isLeader, 50);
    b.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(cluster.newLeaders.get('b')).toEqual(['a']);

    storeA.fail = 'requests';
    const failedAt = Date.now();
    const lastRenewal = backend.writes.filter((w) => w.holder === 'a').at(-1)!.at;
    const aStopped = await until(() => !a.isLeader, 1_000, 1);
    const bStarted = await until(() => b.isLeader, 3_000, 1);
    expect(aStopped).not.toBeNull();
    expect(aStopped! - failedAt).toBeLessThanOrEqual(TIMING.renewDeadlineMs);
    expect(cluster.terms.find((t) => t.identity === 'a')?.end).toBe(lastRenewal + TIMING.renewDeadlineMs);
    expect(bStarted! - lastRenewal).toBeGreaterThanOrEqual(TIMING.leaseDurationMs);
    // b saw the last renewal at its next poll, then waits a lease duration, then polls once more.
    expect(bStarted! - lastRenewal).toBeLessThanOrEqual(TIMING.leaseDurationMs + 2 * MAX_RETRY_GAP + 2);
    expect(backend.get()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });

    storeA.fail = 'none';
    await vi.advanceTimersByTimeAsync(3_000);
    expect([a.isLeader, b.isLeader]).toEqual([false, true]);
    expect(cluster.newLeaders.get('a')).toEqual(['a', 'b']);
    expect(cluster.overlaps()).toEqual([]);
  });

  it('does not let a standby with a skewed clock take over from a live leader', async () => {
    const backend = new LeaseBackend();
    const storeA = new FlakyStore(backend);
    const a = cluster.candidate('a', storeA);
    const hour = 3_600_000;
    const ahead = cluster.candidate('ahead', new FlakyStore(backend), { now: () => new Date(Date.now() + hour) });
    const behind = cluster.candidate('behind', new FlakyStore(backend), { now: () => new Date(Date.now() - hour) });
    a.start();
    await until(() => a.isLeader, 50);
    ahead.start();
    behind.start();
    expect(await until(() => !a.isLeader || cluster.leaders() !== 1, 10_000)).toBeNull();
    storeA.fail = 'requests';
    expect(await until(() => ahead.isLeader || behind.isLeader, TIMING.leaseDurationMs + 2 * MAX_RETRY_GAP)).not.toBeNull();
    expect(cluster.overlaps()).toEqual([]);
  });

  it('releases the lease on stop so that a standby takes over at its next retry', async () => {
    const backend = new LeaseBackend();
    const a = cluster.candidate('a', new FlakyStore(backend));
    const b = cluster.candidate('b', new FlakyStore(backend));
    a.start();
    await until(() => a.isLeader, 50);
    b.start();
    await vi.advanceTimersByTimeAsync(2_000);

    await a.stop();
    expect(a.isLeader).toBe(false);
    expect(backend.get()?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
    const stoppedAt = Date.now();
    const bStarted = await until(() => b.isLeader, 2_000, 1);
    expect(bStarted! - stoppedAt).toBeLessThanOrEqual(MAX_RETRY_GAP + 1);
    expect(backend.get()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(cluster.overlaps()).toEqual([]);
  });

  it('keeps the lease on stop({ release: false }): the standby waits for it to expire', async () => {
    const backend = new LeaseBackend();
    const a = cluster.candidate('a', new FlakyStore(backend));
    const b = cluster.candidate('b', new FlakyStore(backend));
    a.start();
    await until(() => a.isLeader, 50);
    b.start();
    await vi.advanceTimersByTimeAsync(2_000);
    const lastRenewal = backend.writes.at(-1)!.at;
    await a.stop({ release: false });
    expect(backend.get()?.spec?.holderIdentity).toBe('a');
    const bStarted = await until(() => b.isLeader, 3_000, 1);
    expect(bStarted! - lastRenewal).toBeGreaterThanOrEqual(TIMING.leaseDurationMs);
  });

  it('survives a store that throws, synchronously or not, and callbacks that throw', async () => {
    const backend = new LeaseBackend();
    const flaky = new FlakyStore(backend);
    let calls = 0;
    const failures: unknown[] = [new Error('boom'), 'not even an Error', new LeaseConflict('conflict'), new TypeError('bad')];
    const store: LeaseStore = {
      get: () => {
        const failure = failures[calls++];
        if (failure !== undefined && calls % 2 === 0) throw failure;
        return failure !== undefined ? Promise.reject(failure) : flaky.get();
      },
      create: (lease) => flaky.create(lease),
      replace: (lease) => flaky.replace(lease),
    };
    const logged: string[] = [];
    const a = cluster.candidate('a', store, { log: (level, msg) => logged.push(`${level}: ${msg}`) });
    a.onStartedLeading(() => {
      throw new Error('callback failed');
    });
    a.onNewLeader(() => {
      throw new Error('callback failed');
    });
    a.start();
    expect(await until(() => a.isLeader, 5 * MAX_RETRY_GAP)).not.toBeNull();
    expect(logged.filter((l) => l.startsWith('warn: leader election: lease request failed'))).toHaveLength(3);
    expect(logged).toContain('debug: leader election: lease request failed');
    expect(logged.filter((l) => l === 'error: leader election: a callback threw')).toHaveLength(2);
    expect(cluster.terms).toHaveLength(1);
  });

  it('does not count a renewal that comes back after its deadline', async () => {
    const backend = new LeaseBackend();
    const storeA = new FlakyStore(backend);
    const a = cluster.candidate('a', storeA);
    a.start();
    await until(() => a.isLeader, 50);
    storeA.latencyMs = 4_000;
    expect(await until(() => !a.isLeader, TIMING.renewDeadlineMs + TIMING.retryPeriodMs)).not.toBeNull();
    storeA.latencyMs = 0;
    expect(await until(() => a.isLeader, 10_000)).not.toBeNull();
    expect(cluster.terms.length).toBe(2);
    expect(cluster.terms.every((t) => t.end > t.start)).toBe(true);
  });

  it('rejects unsafe options', () => {
    const store = new FlakyStore(new LeaseBackend());
    expect(() => new LeaderElector(store, { identity: '' })).toThrow(TypeError);
    expect(() => new LeaderElector(store, { identity: 'a', leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(RangeError);
    expect(() => new LeaderElector(store, { identity: 'a', renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(RangeError);
    expect(() => new LeaderElector(store, { identity: 'a', retryPeriodMs: -1 })).toThrow(RangeError);
    expect(() => new LeaderElector(store, { identity: 'a' })).not.toThrow();
  });
});

/** Just enough of the API server for one Lease, refusing MicroTimes that are not RFC 3339 with microseconds. */
function leaseServer(): { requests: Array<{ method: string; body: string }>; handle: (req: IncomingMessage, res: ServerResponse) => void; failNext: number } {
  const state = { requests: [] as Array<{ method: string; body: string }>, failNext: 0, handle: (_req: IncomingMessage, _res: ServerResponse) => {} };
  let stored: Record<string, unknown> | null = null;
  let version = 0;
  const micro = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
  const status = (res: ServerResponse, code: number, reason: string): void => {
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code }));
  };
  state.handle = (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', body });
      if (state.failNext > 0) {
        state.failNext--;
        return status(res, 500, 'InternalError');
      }
      const item = '/apis/coordination.k8s.io/v1/namespaces/ns/leases/lock';
      if (req.method === 'GET' && req.url === item) return stored ? reply(res, 200, stored) : status(res, 404, 'NotFound');
      const lease = body ? (JSON.parse(body) as { metadata?: Record<string, unknown>; spec?: Record<string, unknown> }) : {};
      for (const field of ['acquireTime', 'renewTime']) {
        const value = lease.spec?.[field];
        if (value !== undefined && !(typeof value === 'string' && micro.test(value))) return status(res, 400, 'BadRequest');
      }
      if (req.method === 'POST' && req.url === '/apis/coordination.k8s.io/v1/namespaces/ns/leases') {
        if (stored) return status(res, 409, 'AlreadyExists');
        stored = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++version), creationTimestamp: '2025-01-01T00:00:00Z' } };
        return reply(res, 201, stored);
      }
      if (req.method === 'PUT' && req.url === item) {
        if (!stored) return status(res, 404, 'NotFound');
        const current = (stored.metadata as Record<string, unknown>).resourceVersion;
        if (lease.metadata?.resourceVersion !== current) return status(res, 409, 'Conflict');
        stored = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++version) } };
        return reply(res, 200, stored);
      }
      status(res, 405, 'MethodNotAllowed');
    });
  };
  return state;
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

describe('leaseStoreFor over HTTP (client-node 2.x)', () => {
  // Real timers on a busy machine: a generous renew deadline, so only the release makes b the leader.
  const SLOW_TIMING = { leaseDurationMs: 5_000, renewDeadlineMs: 3_000, retryPeriodMs: 50 };

  it('reads, creates and replaces a Lease with microsecond MicroTimes, mapping 404 and 409', async () => {
    const server = leaseServer();
    const http = createServer((req, res) => server.handle(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, skipTLSVerify: true }],
        users: [{ name: 'u' }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
      const store = leaseStoreFor(kc.makeApiClient(CoordinationV1Api), 'ns', 'lock');

      expect(await store.get()).toBeNull();
      const t = new Date('2025-06-01T12:00:00.123Z');
      const created = await store.create({ spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: t, renewTime: t, leaseTransitions: 0 } });
      expect(JSON.parse(server.requests.at(-1)!.body)).toMatchObject({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'lock', namespace: 'ns' },
        spec: { renewTime: '2025-06-01T12:00:00.123000Z', acquireTime: '2025-06-01T12:00:00.123000Z' },
      });
      expect(created.spec?.renewTime).toBeInstanceOf(V1MicroTime);
      expect(created.spec?.renewTime?.getTime()).toBe(t.getTime());
      await expect(store.create(created)).rejects.toBeInstanceOf(LeaseConflict);

      const read = await store.get();
      expect(read?.metadata?.resourceVersion).toBe('1');
      expect(read?.spec?.acquireTime).toBeInstanceOf(V1MicroTime);
      const renewed = await store.replace({ ...read, spec: { ...read?.spec, renewTime: new V1MicroTime(t.getTime() + 2_000) } });
      expect(renewed.metadata?.resourceVersion).toBe('2');
      expect(JSON.parse(server.requests.at(-1)!.body).spec.renewTime).toBe('2025-06-01T12:00:02.123000Z');
      await expect(store.replace(read ?? {})).rejects.toBeInstanceOf(LeaseConflict);

      server.failNext = 1;
      const failure = await store.get().catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ApiException);
      expect(failure).not.toBeInstanceOf(LeaseConflict);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('elects, renews and releases through the real client', async () => {
    const server = leaseServer();
    const http = createServer((req, res) => server.handle(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, skipTLSVerify: true }],
        users: [{ name: 'u' }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
      const api = kc.makeApiClient(CoordinationV1Api);
      const a = new LeaderElector(leaseStoreFor(api, 'ns', 'lock'), { identity: 'a', ...SLOW_TIMING });
      const b = new LeaderElector(leaseStoreFor(api, 'ns', 'lock'), { identity: 'b', ...SLOW_TIMING });
      a.start();
      for (let i = 0; i < 100 && !a.isLeader; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(a.isLeader).toBe(true);
      b.start();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect([a.isLeader, b.isLeader]).toEqual([true, false]);
      await a.stop();
      for (let i = 0; i < 100 && !b.isLeader; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(b.isLeader).toBe(true);
      await b.stop();
      const puts = server.requests.filter((r) => r.method === 'PUT').map((r) => JSON.parse(r.body) as { spec: { holderIdentity: string } });
      expect(puts.length).toBeGreaterThan(3);
      expect(puts.at(-1)?.spec.holderIdentity).toBe('');
      expect(server.requests.every((r) => r.method === 'GET' || r.body.includes('000Z'))).toBe(true);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
