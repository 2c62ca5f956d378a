/**
 * Keeps a @kubernetes/client-node informer running. In client-node 2.x an
 * informer whose list or watch fails with anything but 410 Gone (a dropped
 * connection, an API server restart, 5xx, 429) emits 'error' and never runs
 * again, while its cache silently goes stale. The supervisor starts it again
 * with capped exponential backoff and full jitter; the informer resumes its
 * watch from the last resourceVersion it saw, and relists on 410. It also
 * tells how long the watch has been down, for /readyz.
 */
import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../runtime/log.js';

export interface SupervisorOptions {
  /** First retry delay; doubles per failure up to `maxDelayMs` (defaults 500 ms and 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  log: Logger;
  /** What the log calls this informer. */
  name: string;
  random?: () => number;
  now?: () => number;
}

export class InformerSupervisor {
  #failures = 0;
  #downSince: number | undefined;
  #failedThisAttempt = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #now: () => number;

  constructor(
    private readonly informer: Informer<KubernetesObject>,
    private readonly opts: SupervisorOptions,
  ) {
    this.#now = opts.now ?? Date.now;
    informer.on('error', (e: unknown) => this.#failed(e));
    // Any event means the watch delivers again.
    for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, () => this.#up());
  }

  /** The first start; resolves once the first list and watch were tried (the informer may still be failing). */
  start(): Promise<void> {
    this.#stopped = false;
    return this.#attempt();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.informer.stop();
  }

  /** Milliseconds since the watch went down, 0 while it is up. */
  downForMs(): number {
    return this.#downSince === undefined ? 0 : this.#now() - this.#downSince;
  }

  async #attempt(): Promise<void> {
    this.#failedThisAttempt = false;
    await this.informer.start();
    // start() returns once the watch is open, or after reporting an error.
    if (!this.#failedThisAttempt && !this.#stopped) this.#up();
  }

  #up(): void {
    if (this.#downSince !== undefined) this.opts.log('info', 'watch restored', { informer: this.opts.name, afterFailures: this.#failures });
    this.#downSince = undefined;
    this.#failures = 0;
  }

  #failed(e: unknown): void {
    this.#failedThisAttempt = true;
    if (this.#stopped) return;
    this.#downSince ??= this.#now();
    this.#failures++;
    const cap = Math.min(this.opts.maxDelayMs ?? 30_000, (this.opts.baseDelayMs ?? 500) * 2 ** Math.min(this.#failures - 1, 20));
    const delay = Math.round((this.opts.random ?? Math.random)() * cap);
    this.opts.log('warn', 'watch failed; restarting the informer', { informer: this.opts.name, failures: this.#failures, retryInMs: delay, error: describe(e) });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (!this.#stopped) void this.#attempt().catch((err: unknown) => this.#failed(err));
    }, delay);
  }
}

/** A short, secret-free description: status code or error name, never a response body. */
function describe(e: unknown): string {
  const o = (e ?? {}) as { code?: unknown; statusCode?: unknown; name?: unknown; message?: unknown };
  const status = o.statusCode ?? o.code;
  if (typeof status === 'number') return `HTTP ${status}`;
  if (typeof status === 'string') return status;
  return typeof o.name === 'string' ? o.name : 'error';
}
