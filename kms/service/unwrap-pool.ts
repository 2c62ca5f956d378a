/**
 * The rewrap service's hot path (docs/ARCHITECTURE.md#the-workers): DEK
 * envelopes are unwrapped on worker threads (unwrap-worker.ts) with the
 * fastest checked ML-KEM backend and re-sealed to the caller there, so this
 * thread never holds a DEK.
 *
 * Batches are cut into chunks spread over the workers (each worker has at
 * most two chunks in flight, so a slow worker takes less); a single item goes
 * straight to the least busy worker. Chunks of calls of up to MAX_CHUNK items
 * go before those of bigger batches. A worker that dies rejects the calls it
 * had in flight and is replaced, with the keys.
 *
 * The workers also verify writer signatures on the items that ask for it
 * (unwrap-worker.ts `WorkerItem`), against the writer keys given with
 * setWriters, and sign for the service (sign) with the writer key given
 * with setSigner.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { wipe } from '../../core/bytes.js';
import { isRecipientAlg, RECIPIENT_KINDS } from '../../core/crypto/recipients/index.js';
import type { RecipientAlg } from '../../core/crypto/recipients/types.js';
import { RESPONSE_KEY_LENGTH } from '../../core/crypto/rewrap-seal.js';
import { WRITER_SECRET_LENGTH, type WriterPublic } from '../../core/crypto/writer-key.js';
import { ASSETS, embeddedText, isSingleExecutable } from '../../runtime/single-executable.js';
import type { BackendPreference } from './kem-backend.js';
import type { RewrapResult, WireCode } from '../protocol/types.js';
import type { FromWorker, ToWorker, WorkerInit, WorkerItem } from './unwrap-worker.js';

export interface UnwrapPoolOptions {
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
  /** ML-KEM backend of the workers; default 'auto' (liboqs when it passes its check, else noble). */
  backend?: BackendPreference;
  /** The worker script; default: the bundled unwrap-worker.mjs next to this code, else unwrap-worker.ts through tsx. */
  workerUrl?: URL;
}

export interface PoolKey {
  alg: RecipientAlg;
  secret: Uint8Array;
}

/** Chunk sizes: big at first (fewer messages), then shrinking, so the workers finish a batch together. */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 48 };
const MAX_CHUNK = 64;
const MIN_CHUNK = 8;
/** Chunks in flight per worker: one being worked on, one waiting, so the worker never idles between chunks. */
const IN_FLIGHT = 2;

interface Call {
  /** This call's copy of the response key, wiped when the call settles. */
  key: Uint8Array;
  results: RewrapResult[];
  remaining: number;
  settled: boolean;
  resolve(results: RewrapResult[]): void;
  reject(e: Error): void;
}

interface Chunk {
  call: Call;
  base: number;
  nonces?: number[];
  items: WorkerItem[];
}

type Job =
  | { kind: 'chunk'; chunk: Chunk }
  | { kind: 'control'; resolve(): void; reject(e: Error): void }
  | { kind: 'sign'; count: number; resolve(signatures: Uint8Array[]): void; reject(e: Error): void };

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  /** Chunks and items in flight, for the choice of a worker. */
  chunks: number;
  items: number;
  dead: boolean;
}

/** The worker script: a file, or the source itself (`eval`). */
interface WorkerScript {
  script: URL | string;
  eval: boolean;
  execArgv: string[];
}

/** Where the worker script is and how to run it. */
function defaultWorker(): WorkerScript {
  // The single executable has no files beside it: the worker's bundle is built into it.
  if (isSingleExecutable()) return { script: embeddedText(ASSETS.unwrapWorker), eval: true, execArgv: [] };
  // In the bundle this code sits in dist/ or dist/chunks/, the worker in dist/unwrap-worker.mjs.
  for (const name of ['./unwrap-worker.mjs', '../unwrap-worker.mjs', './unwrap-worker.js']) {
    const url = new URL(name, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return { script: url, eval: false, execArgv: [] };
  }
  return { script: new URL('./unwrap-worker.ts', import.meta.url), eval: false, execArgv: tsxArgv() };
}

/**
 * Runs a .ts worker through tsx (a devDependency: tests and benchmarks). Not
 * `--import tsx`: on Node 20 tsx registers its hooks in the main thread only,
 * so the preload calls tsx's register() itself, found from this file whatever the cwd.
 */
function tsxArgv(): string[] {
  const tsxPackage = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = new URL('dist/esm/api/index.mjs', tsxPackage).href;
  return ['--import', `data:text/javascript,${encodeURIComponent(`import { register } from ${JSON.stringify(api)}; register();`)}`];
}

/**
 * Where a batch of n items is cut. Guided self-scheduling: each chunk is a
 * share of what remains, so the last ones are small and the workers finish
 * together; a batch of up to MIN_CHUNK × threads items is split evenly.
 */
function chunkBounds(n: number, threads: number): number[] {
  const bounds = [0];
  if (n <= MIN_CHUNK * threads) {
    const parts = Math.min(n, threads);
    for (let p = 1; p <= parts; p++) bounds.push(Math.round((n * p) / parts));
    return bounds;
  }
  for (let at = 0; at < n; ) {
    at += Math.min(n - at, MAX_CHUNK, Math.max(MIN_CHUNK, Math.ceil((n - at) / (2 * threads))));
    bounds.push(at);
  }
  return bounds;
}

/** A copy with its own ArrayBuffer of the exact size (`slice` of a Buffer is a view, and its `buffer` the shared pool). */
const copyBytes = (b: Uint8Array): Uint8Array => new Uint8Array(b);

const revokedResult = (error: WireCode, message: string): RewrapResult => ({ ok: false, error, message });

export class UnwrapPool {
  readonly #worker: WorkerScript;
  readonly #init: WorkerInit;
  readonly #slots: Slot[] = [];
  /** Chunks of small calls go before those of big batches. */
  readonly #urgent: Chunk[] = [];
  readonly #bulk: Chunk[] = [];
  #nextId = 1;
  #backend = '';
  #fallbackReason: string | undefined;
  /**
   * A copy of the keys, to give a worker that replaces a dead one; wiped on
   * setKeys, clearKeys and close. (Worker threads share this process's
   * memory: keeping it here exposes nothing the workers do not hold.)
   */
  #keys: PoolKey[] = [];
  #state: 'empty' | 'loaded' | 'revoked' = 'empty';
  /** Writer keys the workers verify signatures with, and a copy of the service's writer secret they sign with, for replacements too. */
  #writers: WriterPublic[] = [];
  #signer: Uint8Array | null = null;
  #closed = false;
  /** Delay before replacing a worker that died before it was ready (doubles up to 30 s; reset by a ready worker). */
  #backoff = 100;
  #respawn: NodeJS.Timeout | undefined;

  private constructor(worker: WorkerScript, init: WorkerInit) {
    this.#worker = worker;
    this.#init = init;
  }

  /** Starts the workers and waits until each has loaded and checked its ML-KEM backend. */
  static async start(opts: UnwrapPoolOptions = {}): Promise<UnwrapPool> {
    const threads = opts.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError('threads must be a positive integer');
    const where = opts.workerUrl ? { script: opts.workerUrl, eval: false, execArgv: /\.[cm]?ts$/.test(opts.workerUrl.pathname) ? tsxArgv() : [] } : defaultWorker();
    const pool = new UnwrapPool(where, { backend: opts.backend ?? 'auto' });
    try {
      const ready = await Promise.all(Array.from({ length: threads }, () => pool.#spawn()));
      // The same checks run in every worker; name the weakest outcome should one of them have fallen back.
      const worst = ready.find((r) => r.fallbackReason !== undefined) ?? ready[0]!;
      pool.#backend = worst.backend;
      pool.#fallbackReason = worst.fallbackReason;
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** The ML-KEM backend the workers use: 'liboqs' or 'noble'. */
  backend(): string {
    return this.#backend;
  }

  /** Why liboqs is not used, when it is not although it was asked for. */
  fallbackReason(): string | undefined {
    return this.#fallbackReason;
  }

  threads(): number {
    return this.#slots.length;
  }

  /**
   * Gives the keys to every worker, replacing the previous ones (which the
   * workers wipe). The caller may wipe its copies as soon as this returns.
   * Throws RangeError/TypeError for a key of the wrong type or length.
   */
  async setKeys(keys: PoolKey[]): Promise<void> {
    this.#checkOpen();
    for (const k of keys) {
      if (!isRecipientAlg(k.alg)) throw new TypeError('unknown key type');
      const length = RECIPIENT_KINDS[k.alg].secretLength;
      if (!(k.secret instanceof Uint8Array) || k.secret.length !== length) throw new RangeError(`a ${k.alg} secret is ${length} bytes`);
    }
    this.#wipeKeys();
    this.#keys = keys.map((k) => ({ alg: k.alg, secret: copyBytes(k.secret) }));
    this.#state = 'loaded';
    await Promise.all(this.#slots.map((slot) => this.#sendKeys(slot)));
  }

  /** The writer keys whose signatures the workers verify (items with `verify`), replacing the previous ones. */
  async setWriters(writers: readonly WriterPublic[]): Promise<void> {
    this.#checkOpen();
    this.#writers = writers.map((w) => ({ kid: w.kid, publicKey: copyBytes(w.publicKey) }));
    await Promise.all(this.#slots.map((slot) => this.#sendWriters(slot)));
  }

  /**
   * The service's 64-byte writer secret the workers sign with, or null to
   * drop it. The caller may wipe its copy as soon as this returns.
   */
  async setSigner(secret: Uint8Array | null): Promise<void> {
    this.#checkOpen();
    if (secret !== null && (!(secret instanceof Uint8Array) || secret.length !== WRITER_SECRET_LENGTH)) throw new RangeError(`a writer secret is ${WRITER_SECRET_LENGTH} bytes`);
    if (this.#signer) wipe(this.#signer);
    this.#signer = secret === null ? null : copyBytes(secret);
    await Promise.all(this.#slots.map((slot) => this.#sendSigner(slot)));
  }

  /** The service's signature over each message, in order, shared out over the workers. Rejects without a signer, or when a worker dies. */
  async sign(messages: readonly Uint8Array[]): Promise<Uint8Array[]> {
    this.#checkOpen();
    if (!this.#signer) throw new Error('the unwrap pool has no writer key');
    if (messages.length === 0) return [];
    if (this.#slots.length === 0) throw new Error('no unwrap worker is running');
    const slots = [...this.#slots].sort((a, b) => a.items - b.items);
    const parts = Math.min(slots.length, messages.length);
    const cut = (p: number): number => Math.round((messages.length * p) / parts);
    const signed = await Promise.all(Array.from({ length: parts }, (_, p) => this.#signOn(slots[p]!, messages.slice(cut(p), cut(p + 1)))));
    return signed.flat();
  }

  /** Kill switch: every worker drops and wipes its keys; every item then answers root_revoked. */
  async clearKeys(): Promise<void> {
    this.#checkOpen();
    this.#wipeKeys();
    this.#state = 'revoked';
    await Promise.all(this.#slots.map((slot) => this.#control(slot, (id) => ({ type: 'clearKeys', id }))));
  }

  /**
   * Unwraps each item's DEK and seals it to the caller under `responseKey`
   * (item i with nonce i). Per-item failures are results (unknown_kid,
   * bad_request, tampered, root_revoked); the call rejects only when a
   * worker dies or the pool closes.
   */
  /**
   * Unwraps and re-seals every item; item i is sealed under the nonce
   * `indexes[i]` (its place in the caller's request, when only some of the
   * request's items come here), or i.
   */
  rewrap(items: WorkerItem[], responseKey: Uint8Array, indexes?: readonly number[]): Promise<RewrapResult[]> {
    if (indexes && indexes.length !== items.length) return Promise.reject(new RangeError('one index per item'));
    if (this.#closed) return Promise.reject(new Error('the unwrap pool was closed'));
    if (!(responseKey instanceof Uint8Array) || responseKey.length !== RESPONSE_KEY_LENGTH)
      return Promise.reject(new RangeError(`the response key is ${RESPONSE_KEY_LENGTH} bytes`));
    if (this.#state !== 'loaded') {
      const r = this.#state === 'revoked' ? revokedResult('root_revoked', 'the org key is not in memory') : revokedResult('unavailable', 'the org key is not loaded yet');
      return Promise.resolve(items.map(() => ({ ...r })));
    }
    if (items.length === 0) return Promise.resolve([]);
    if (this.#slots.length === 0) return Promise.reject(new Error('no unwrap worker is running'));
    return new Promise<RewrapResult[]>((resolve, reject) => {
      const call: Call = { key: copyBytes(responseKey), results: new Array<RewrapResult>(items.length), remaining: items.length, settled: false, resolve, reject };
      const bounds = chunkBounds(items.length, this.#slots.length);
      const chunks: Chunk[] = [];
      for (let c = 1; c < bounds.length; c++) chunks.push({ call, base: bounds[c - 1]!, items: items.slice(bounds[c - 1], bounds[c]), ...(indexes ? { nonces: indexes.slice(bounds[c - 1], bounds[c]) } : {}) });
      if (items.length === 1) this.#send(this.#leastBusy(), chunks[0]!);
      else {
        (items.length <= MAX_CHUNK ? this.#urgent : this.#bulk).push(...chunks);
        this.#pump();
      }
    });
  }

  /** Terminates the workers; calls still pending reject. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#respawn);
    this.#wipeKeys();
    if (this.#signer) wipe(this.#signer);
    this.#signer = null;
    const closed = new Error('the unwrap pool was closed');
    for (const chunk of [...this.#urgent.splice(0), ...this.#bulk.splice(0)]) this.#fail(chunk.call, closed);
    const slots = this.#slots.splice(0);
    for (const slot of slots) this.#failJobs(slot, closed);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('the unwrap pool was closed');
  }

  #wipeKeys(): void {
    for (const k of this.#keys) wipe(k.secret);
    this.#keys = [];
  }

  /** A new worker; resolves when it has loaded its backend, rejects when it dies first. */
  #spawn(): Promise<Extract<FromWorker, { type: 'ready' }>> {
    // A worker holds a few chunks at a time: small heaps keep the service's memory down (issue 5: RSS ≤ 150 MB).
    const { script, eval: isSource, execArgv } = this.#worker;
    const worker = new Worker(script, { eval: isSource, workerData: this.#init, execArgv, resourceLimits: WORKER_HEAP });
    const slot: Slot = { worker, jobs: new Map(), chunks: 0, items: 0, dead: false };
    this.#slots.push(slot);
    return new Promise((resolve, reject) => {
      let started = false;
      let lastError: Error | undefined;
      worker.on('message', (msg: FromWorker) => {
        if (typeof msg !== 'object' || msg === null) return;
        if (msg.type === 'ready') {
          started = true;
          this.#backoff = 100;
          resolve(msg);
          this.#pump();
        } else this.#onReply(slot, msg);
      });
      worker.on('error', (e) => {
        lastError = e;
      });
      worker.on('exit', (code) => {
        slot.dead = true;
        const why = new Error(`an unwrap worker stopped (exit code ${code}${lastError ? `: ${lastError.message}` : ''})`);
        if (!started) reject(why);
        this.#onDeath(slot, why, started);
      });
      if (this.#state === 'loaded') void this.#sendKeys(slot).catch(() => {});
      else if (this.#state === 'revoked') void this.#control(slot, (id) => ({ type: 'clearKeys', id })).catch(() => {});
      if (this.#writers.length) void this.#sendWriters(slot).catch(() => {});
      if (this.#signer) void this.#sendSigner(slot).catch(() => {});
    });
  }

  #onDeath(slot: Slot, why: Error, started: boolean): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return; // closed
    this.#slots.splice(i, 1);
    this.#failJobs(slot, why);
    if (this.#closed) return;
    // The replacement gets the keys before any chunk (#spawn).
    if (started) {
      this.#spawn().catch(() => {});
      return;
    }
    // It died while starting: try again later rather than in a loop; meanwhile queued chunks need a live worker.
    if (this.#slots.length === 0) for (const chunk of [...this.#urgent.splice(0), ...this.#bulk.splice(0)]) this.#fail(chunk.call, why);
    this.#respawn = setTimeout(() => {
      if (!this.#closed) this.#spawn().catch(() => {});
    }, this.#backoff);
    this.#respawn.unref();
    this.#backoff = Math.min(this.#backoff * 2, 30_000);
  }

  #failJobs(slot: Slot, why: Error): void {
    for (const job of slot.jobs.values()) {
      if (job.kind === 'chunk') this.#fail(job.chunk.call, why);
      else job.reject(why);
    }
    slot.jobs.clear();
    slot.chunks = 0;
    slot.items = 0;
  }

  #fail(call: Call, why: Error): void {
    if (call.settled) return;
    call.settled = true;
    wipe(call.key);
    call.reject(why);
  }

  #onReply(slot: Slot, msg: Exclude<FromWorker, { type: 'ready' }>): void {
    const job = slot.jobs.get(msg.id);
    if (!job) return;
    slot.jobs.delete(msg.id);
    if (job.kind === 'control') {
      if (msg.type === 'failed') job.reject(new Error(msg.message));
      else job.resolve();
      return;
    }
    if (job.kind === 'sign') {
      slot.items -= job.count;
      if (msg.type === 'signatures' && msg.signatures.length === job.count) job.resolve(msg.signatures);
      else job.reject(new Error(msg.type === 'failed' ? msg.message : 'an unwrap worker answered wrongly'));
      this.#pump();
      return;
    }
    const { call, base, items } = job.chunk;
    slot.chunks--;
    slot.items -= items.length;
    if (msg.type === 'results' && msg.results.length === items.length) {
      if (!call.settled) {
        for (let j = 0; j < msg.results.length; j++) call.results[base + j] = msg.results[j]!;
        call.remaining -= items.length;
        if (call.remaining === 0) {
          call.settled = true;
          wipe(call.key);
          call.resolve(call.results);
        }
      }
    } else this.#fail(call, new Error('an unwrap worker answered wrongly'));
    this.#pump();
  }

  #leastBusy(): Slot {
    let best = this.#slots[0]!;
    for (const slot of this.#slots) if (slot.items < best.items) best = slot;
    return best;
  }

  /** Hands queued chunks to workers with room, the least busy first. */
  #pump(): void {
    for (;;) {
      const queue = this.#urgent.length ? this.#urgent : this.#bulk;
      if (queue.length === 0) return;
      let best: Slot | undefined;
      for (const slot of this.#slots) if (slot.chunks < IN_FLIGHT && (!best || slot.items < best.items)) best = slot;
      if (!best) return;
      const chunk = queue.shift()!;
      if (!chunk.call.settled) this.#send(best, chunk);
    }
  }

  #send(slot: Slot, chunk: Chunk): void {
    const id = this.#nextId++;
    slot.jobs.set(id, { kind: 'chunk', chunk });
    slot.chunks++;
    slot.items += chunk.items.length;
    const key = copyBytes(chunk.call.key).buffer as ArrayBuffer;
    const msg: ToWorker = { type: 'rewrap', id, base: chunk.base, items: chunk.items, key, ...(chunk.nonces ? { nonces: chunk.nonces } : {}) };
    try {
      slot.worker.postMessage(msg, [key]);
    } catch (e) {
      // An item that cannot be cloned (not from JSON): the call fails, the worker is fine.
      slot.jobs.delete(id);
      slot.chunks--;
      slot.items -= chunk.items.length;
      new Uint8Array(key).fill(0);
      this.#fail(chunk.call, e instanceof Error ? e : new Error('the items could not be sent to a worker'));
    }
  }

  #control(slot: Slot, make: (id: number) => ToWorker, transfer: ArrayBuffer[] = []): Promise<void> {
    return new Promise((resolve, reject) => {
      if (slot.dead) return reject(new Error('an unwrap worker stopped'));
      const id = this.#nextId++;
      slot.jobs.set(id, { kind: 'control', resolve, reject });
      slot.worker.postMessage(make(id), transfer);
    });
  }

  #signOn(slot: Slot, messages: Uint8Array[]): Promise<Uint8Array[]> {
    return new Promise((resolve, reject) => {
      if (slot.dead) return reject(new Error('an unwrap worker stopped'));
      const id = this.#nextId++;
      slot.jobs.set(id, { kind: 'sign', count: messages.length, resolve, reject });
      slot.items += messages.length;
      slot.worker.postMessage({ type: 'sign', id, messages } satisfies ToWorker);
    });
  }

  #sendWriters(slot: Slot): Promise<void> {
    const writers = this.#writers.map((w) => ({ kid: w.kid, publicKey: copyBytes(w.publicKey) }));
    return this.#control(slot, (id) => ({ type: 'setWriters', id, writers }));
  }

  #sendSigner(slot: Slot): Promise<void> {
    const secret = this.#signer ? (copyBytes(this.#signer).buffer as ArrayBuffer) : null;
    return this.#control(slot, (id) => ({ type: 'setSigner', id, secret }), secret ? [secret] : []);
  }

  #sendKeys(slot: Slot): Promise<void> {
    const keys = this.#keys.map((k) => ({ alg: k.alg, secret: copyBytes(k.secret).buffer as ArrayBuffer }));
    return this.#control(slot, (id) => ({ type: 'setKeys', id, keys }), keys.map((k) => k.secret));
  }
}
