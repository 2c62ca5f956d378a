/**
 * The controller's wiring (docs/ARCHITECTURE.md#the-controller): informers
 * over EncryptedSecrets and the Secrets it manages → a rate-limited work
 * queue → reconcile workers, which run only on the leader. Handlers only
 * enqueue keys; a change the controller made itself (its own status or Secret
 * write) is not enqueued again.
 */
import { CoordinationV1Api, ListWatch, type Informer, type KubeConfig, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { PublicOrgKey } from '../kms/protocol/types.js';
import type { Logger } from '../runtime/log.js';
import { transient } from './conditions.js';
import type { SecretObject } from './desired-secret.js';
import { ADOPT_BY_ANNOTATION, GROUP, keyOf, MANAGED_LABEL, MANAGED_VALUE, PLURAL, VERSION, type EncryptedSecretObject } from './encrypted-secret.js';
import { startHttpListener, type HttpListener } from './http-server.js';
import { InformerSupervisor } from './informer-supervisor.js';
import { kubeRest } from './kube-rest.js';
import { pagedList, SlimmingWatch, slimEncryptedSecret, slimSecret } from './slim-objects.js';
import { kubeApi, type KubeApi } from './kube-api.js';
import { LeaderElector, leaseStoreFor } from './leader-election.js';
import { controllerMetrics, type ControllerMetrics } from './metrics.js';
import { reconcile } from './reconciler.js';
import { RewrapBatcher, type Unwrapper } from './rewrap-batcher.js';
import { ServiceKids } from './service-kids.js';
import { WorkQueue } from './work-queue.js';
import type { TrustSource } from './writer-trust.js';

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; all when empty. */
  namespaces?: readonly string[];
  client: Unwrapper & { keys(): Promise<PublicOrgKey[]> };
  workers?: number;
  /** Leader election on a Lease; without it this replica always leads. */
  leaderElection?: { namespace: string; name?: string; identity: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  log: Logger;
  /** Where /metrics listens, and /healthz and /readyz unless `health` is given; none when absent. */
  http?: { host: string; port: number };
  /** A listener of its own for /healthz and /readyz, so /metrics may listen on loopback only (or nowhere). */
  health?: { host: string; port: number };
  /** The bearer token /metrics requires, read for each scrape; throws when it cannot be read (the scrape then gets 503). */
  metricsToken?: () => string;
  now?: () => Date;
  /** /readyz fails while a watch has been down longer than this (default 30 s). */
  watchDownLimitMs?: number;
  /** First delay before an informer whose watch failed is started again (default 500 ms, doubling up to 30 s). */
  watchRetryBaseMs?: number;
  /** The writers trusted (writer-trust.ts); without it signatures are neither checked nor required. */
  trust?: TrustSource;
}

/** How many whole objects from recent watch events are kept (#recent). */
const RECENT_OBJECTS = 512;

type Cache<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

const splitKey = (key: string): [string, string] => {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
};

export class Controller {
  readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 5 * 60_000 });
  readonly metrics: ControllerMetrics;
  readonly api: KubeApi;
  #crs: Map<string, Cache<EncryptedSecretObject & KubernetesObject>> = new Map();
  #secrets: Map<string, Cache<SecretObject & KubernetesObject>> = new Map();
  #supervisors: InformerSupervisor[] = [];
  #synced = false;
  #stopping = false;
  #leading = false;
  #elector: LeaderElector | undefined;
  #http: HttpListener | undefined;
  #health: HttpListener | undefined;
  #workers: Promise<void>[] = [];
  /** Per key: the generation the Secret reflects and the Secret resourceVersion written, to tell own writes from drift. */
  #done = new Map<string, { generation: number | undefined; written: string | undefined; ready: boolean }>();
  /**
   * The whole object of the latest watch event per key, for the few hundred most recent changes, so a
   * change is reconciled without reading its object back; the caches keep no spec. Taken when used.
   */
  #recent = new Map<string, EncryptedSecretObject>();
  /** Keys being reconciled, and the last event of their Secret that came meanwhile (null: deleted). */
  #busy = new Set<string>();
  #eventsWhileBusy = new Map<string, string | null>();
  /** When a change to the key was first seen and not yet written, for the sync-duration histogram. */
  #seen = new Map<string, number>();
  readonly #batcher: RewrapBatcher;
  readonly #kids: ServiceKids;
  readonly #now: () => Date;
  readonly #trust: TrustSource | undefined;

  constructor(private readonly opts: ControllerOptions) {
    this.api = kubeApi(opts.kubeConfig);
    this.#batcher = new RewrapBatcher(opts.client);
    this.#kids = new ServiceKids(opts.client);
    this.#now = opts.now ?? (() => new Date());
    this.#trust = opts.trust;
    this.metrics = controllerMetrics({
      objects: () => {
        let ready = 0;
        let notReady = 0;
        for (const c of this.#crs.values())
          for (const cr of c.list()) (cr.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? ready++ : notReady++);
        return { ready, notReady };
      },
      isLeader: () => this.#leading,
      queueDepth: () => this.queue.length,
    });
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** Why the controller is not ready, or null. */
  notReady(): string | null {
    if (!this.#synced) return 'informers have not synced yet';
    const limit = this.opts.watchDownLimitMs ?? 30_000;
    const down = Math.max(0, ...this.#supervisors.map((s) => s.downForMs()));
    return down > limit ? `a watch on the API server has been down for ${Math.round(down / 1000)} s` : null;
  }

  async start(): Promise<void> {
    const { kubeConfig: kc, log } = this.opts;
    const rest = kubeRest(kc);
    const namespaces = this.opts.namespaces?.length ? this.opts.namespaces : [''];
    const selector = `${MANAGED_LABEL}=${MANAGED_VALUE}`;
    type Cr = EncryptedSecretObject & KubernetesObject;
    type Sec = SecretObject & KubernetesObject;
    // Their metadata types differ from client-node's only in how timestamps are typed (strings here: the JSON).
    const slimCr = slimEncryptedSecret as unknown as (o: Cr) => Cr;
    const slimSec = slimSecret as unknown as (o: Sec) => Sec;
    /** The first list, in pages each slimmed before the next is fetched (slim-objects.ts). */
    const lister =
      <T>(path: string, slim: (o: T) => T, labelSelector?: string) =>
      () =>
        pagedList<T>((cont, limit) => rest.call('GET', path, { query: { limit: String(limit), ...(cont ? { continue: cont } : {}), ...(labelSelector ? { labelSelector } : {}) } }), slim) as never;
    for (const ns of namespaces) {
      const crPath = ns ? `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}` : `/apis/${GROUP}/${VERSION}/${PLURAL}`;
      const secretPath = ns ? `/api/v1/namespaces/${ns}/secrets` : '/api/v1/secrets';
      // Watch events are slimmed before the informers store them; a CR's whole object is kept a while for its reconcile.
      const crs = new ListWatch<Cr>(crPath, new SlimmingWatch<Cr>(kc, slimCr, (o) => this.#keepWhole(o)), lister(crPath, slimCr), false);
      const secrets = new ListWatch<Sec>(secretPath, new SlimmingWatch<Sec>(kc, slimSec), lister(secretPath, slimSec, selector), false, selector);
      crs.on('add', (o) => this.#onCr(o));
      crs.on('update', (o) => this.#onCr(o));
      crs.on('delete', (o) => this.#forget(keyOf(o)));
      secrets.on('update', (o) => this.#onSecret(o));
      secrets.on('delete', (o) => this.#onSecret(o, true));
      for (const [inf, what] of [
        [crs, 'EncryptedSecrets'],
        [secrets, 'Secrets'],
      ] as const)
        this.#supervisors.push(new InformerSupervisor(inf as Informer<KubernetesObject>, { log, name: `${what} ${ns || '*'}`, ...(this.opts.watchRetryBaseMs ? { baseDelayMs: this.opts.watchRetryBaseMs } : {}) }));
      this.#crs.set(ns, crs);
      this.#secrets.set(ns, secrets);
    }
    const informers = [...this.#crs.values(), ...this.#secrets.values()];
    await Promise.all(this.#supervisors.map((s) => s.start()));
    // start() resolves even when the first list failed; an informer has synced once it knows a resourceVersion.
    while (!informers.every((i) => (i as unknown as { latestResourceVersion(): string }).latestResourceVersion())) {
      if (this.#stopping) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.#synced = true;
    log('info', 'informers synced', { namespaces: namespaces.join(',') || '*', objects: [...this.#crs.values()].reduce((n, c) => n + c.list().length, 0) });
    const health = { ready: () => this.notReady() };
    const metrics = { registry: this.metrics.registry, ...(this.opts.metricsToken ? { token: this.opts.metricsToken } : {}) };
    if (this.opts.http) {
      this.#http = await startHttpListener({ metrics, ...(this.opts.health ? {} : { health }) }, this.opts.http.host, this.opts.http.port);
      log('info', this.opts.health ? 'serving /metrics' : 'serving /metrics, /healthz and /readyz', { host: this.opts.http.host, port: this.#http.port, token: this.opts.metricsToken !== undefined });
    }
    if (this.opts.health) {
      this.#health = await startHttpListener({ health }, this.opts.health.host, this.opts.health.port);
      log('info', 'serving /healthz and /readyz', { host: this.opts.health.host, port: this.#health.port });
    }
    this.#trust?.start(() => this.#trustChanged());
    const le = this.opts.leaderElection;
    if (!le) this.#lead();
    else {
      const store = leaseStoreFor(kc.makeApiClient(CoordinationV1Api), le.namespace, le.name ?? 'gitseal-controller');
      this.#elector = new LeaderElector(store, { identity: le.identity, ...(le.leaseDurationMs ? { leaseDurationMs: le.leaseDurationMs } : {}), ...(le.renewDeadlineMs ? { renewDeadlineMs: le.renewDeadlineMs } : {}), ...(le.retryPeriodMs ? { retryPeriodMs: le.retryPeriodMs } : {}), log });
      this.#elector.onStartedLeading(() => this.#lead());
      this.#elector.onStoppedLeading(() => {
        this.#leading = false;
        log('warn', 'lost the lease: stopped writing');
      });
      this.#elector.start();
    }
  }

  get httpPort(): number | undefined {
    return this.#http?.port;
  }

  get healthPort(): number | undefined {
    return this.#health?.port;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#leading = false;
    this.#trust?.stop();
    await this.queue.shutDownWithDrain();
    await Promise.all(this.#workers);
    await this.#elector?.stop({ release: true });
    for (const s of this.#supervisors) await s.stop();
    await this.#http?.close();
    await this.#health?.close();
  }

  #lead(): void {
    if (this.#leading) return;
    this.#leading = true;
    this.opts.log('info', 'leading: reconciling');
    // Everything known gets one look: what changed while another replica led, or before a restart.
    for (const c of this.#crs.values()) for (const cr of c.list()) this.queue.add(keyOf(cr));
    if (this.#workers.length === 0) for (let i = 0; i < (this.opts.workers ?? 64); i++) this.#workers.push(this.#work());
  }

  /** Another writer trusted, or one no longer: every object gets one look, as when leading starts. */
  #trustChanged(): void {
    if (!this.#leading) return;
    for (const c of this.#crs.values()) for (const cr of c.list()) this.queue.add(keyOf(cr));
  }

  #onCr(cr: EncryptedSecretObject): void {
    const key = keyOf(cr);
    const done = this.#done.get(key);
    // Our own status write, or a resync: nothing new to do.
    if (done && done.ready && done.generation === cr.metadata.generation) return;
    if (!this.#seen.has(key)) this.#seen.set(key, performance.now());
    this.queue.add(key);
  }

  #keepWhole(cr: EncryptedSecretObject): void {
    const key = keyOf(cr);
    this.#recent.delete(key);
    this.#recent.set(key, cr);
    if (this.#recent.size > RECENT_OBJECTS) this.#recent.delete(this.#recent.keys().next().value!);
  }

  /** The whole object as its latest watch event brought it, or else read from the API server. */
  #readCr(namespace: string, name: string): Promise<EncryptedSecretObject | null> {
    const key = `${namespace}/${name}`;
    const kept = this.#recent.get(key);
    this.#recent.delete(key);
    const cached = this.#cache(this.#crs, namespace, name);
    if (kept && cached && kept.metadata.resourceVersion !== undefined && kept.metadata.resourceVersion === cached.metadata.resourceVersion) return Promise.resolve(kept);
    return this.api.getEncryptedSecret(namespace, name);
  }

  #onSecret(secret: SecretObject, deleted = false): void {
    // An adopted Secret has no ownerReference (desired-secret.ts): its consent annotation names its EncryptedSecret.
    const owner = secret.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'EncryptedSecret')?.name ?? secret.metadata.annotations?.[ADOPT_BY_ANNOTATION];
    if (!owner) return;
    const key = `${secret.metadata.namespace}/${owner}`;
    const rv = deleted ? null : (secret.metadata.resourceVersion ?? null);
    // The event of a write under way may come before its answer: decide when the reconcile is done.
    if (this.#busy.has(key)) return void this.#eventsWhileBusy.set(key, rv);
    this.#driftCheck(key, rv);
  }

  /** Repairs a Secret someone edited (rv is not the one written last) or deleted (rv null). */
  #driftCheck(key: string, rv: string | null): void {
    const done = this.#done.get(key);
    if (rv !== null && done?.written === rv) return;
    if (done) done.ready = false;
    this.queue.add(key);
  }

  #forget(key: string): void {
    this.#done.delete(key);
    this.#recent.delete(key);
    this.#seen.delete(key);
    this.queue.forget(key);
  }

  #cache<T>(map: Map<string, ObjectCache<T>>, namespace: string, name: string): T | undefined {
    return (map.get(namespace) ?? map.get(''))?.get(name, namespace);
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === null) return;
      try {
        if (!this.#leading) {
          this.queue.addAfter(key, 1_000);
          continue;
        }
        await this.#reconcileKey(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #reconcileKey(key: string): Promise<void> {
    this.#busy.add(key);
    try {
      await this.#reconcileOnce(key);
    } finally {
      this.#busy.delete(key);
      const rv = this.#eventsWhileBusy.get(key);
      this.#eventsWhileBusy.delete(key);
      if (rv !== undefined) this.#driftCheck(key, rv);
    }
  }

  async #reconcileOnce(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const out = await reconcile(namespace, name, {
      api: this.api,
      unwrap: (item) => this.#batcher.unwrap(item),
      serviceKids: () => this.#kids.get(),
      getCr: (ns, n) => this.#cache(this.#crs, ns, n),
      readCr: (ns, n) => this.#readCr(ns, n),
      getManagedSecret: (ns, n) => this.#cache(this.#secrets, ns, n),
      trust: () => this.#trust?.current() ?? null,
      log: this.opts.log,
      now: this.#now,
    }).catch((e: unknown) => {
      // A failed status or event write: try again later.
      this.opts.log('warn', 'reconcile did not finish', { key, error: e instanceof Error ? e.message.slice(0, 200) : 'error' });
      return { result: 'error' as const, reason: 'RewrapUnavailable' as const };
    });
    if (out.result === 'gone') return this.#forget(key);
    this.metrics.reconciles.inc({ result: out.result });
    if (out.result === 'error') {
      this.metrics.failures.inc({ reason: out.reason ?? 'Invalid' });
      this.#done.set(key, { generation: undefined, written: undefined, ready: false });
      // Unavailable: soon again; refused: slowly (the object or the policy must change first).
      if (out.reason && transient(out.reason)) this.queue.addRateLimited(key);
      else this.queue.addAfter(key, Math.min(5 * 60_000, 10_000 * 2 ** Math.min(this.queue.failures(key), 5)));
      return;
    }
    this.queue.forget(key);
    const previous = this.#done.get(key);
    this.#done.set(key, { generation: out.generation, written: out.written ?? previous?.written, ready: true });
    const seen = this.#seen.get(key);
    this.#seen.delete(key);
    if (out.result === 'applied' && seen !== undefined) this.metrics.syncDuration.observe((performance.now() - seen) / 1000);
  }
}
