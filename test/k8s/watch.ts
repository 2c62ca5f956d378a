/**
 * Watches: newline-delimited JSON events over a chunked 200 response.
 * A watch from resourceVersion N replays the kept history after N, then
 * follows live changes; "" / "0" start with synthetic ADDED events for the
 * current state; N older than the history answers one ERROR event (410
 * Expired) and ends. Selectors apply, with the apiserver's transitions
 * (an update leaving the selection is a DELETED, entering it an ADDED).
 * BOOKMARKs come periodically when asked for, before a timeout and when
 * the watch is dropped as by a stopping apiserver.
 */
import type { ServerResponse } from 'node:http';
import { ApiError, type Obj } from './errors.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import type { Change, Store } from './store.js';
import { metaOf, str } from './values.js';
import { watchEventToWire } from './wire.js';

export interface WatchOptions {
  rt: ResourceType;
  namespace?: string;
  match: (view: Obj) => boolean;
  /** undefined: start from the current state (resourceVersion "" or "0"). */
  fromRv?: number;
  bookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutMs?: number;
}

class Watcher {
  private bookmarkTimer?: NodeJS.Timeout;
  private timeoutTimer?: NodeJS.Timeout;
  closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly o: WatchOptions,
    private readonly store: Store,
    private readonly onClose: (w: Watcher) => void,
  ) {}

  start(bookmarkIntervalMs: number): void {
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    this.res.flushHeaders();
    this.res.on('close', () => this.close());
    const { fromRv } = this.o;
    if (fromRv === undefined || this.o.sendInitialEvents) {
      for (const stored of this.store.list(this.o.rt.storageKey, this.o.namespace)) {
        const view = this.o.rt.fromStorage(stored);
        if (this.o.match(view)) this.send('ADDED', view);
      }
      if (this.o.sendInitialEvents) this.bookmark(true);
    } else if (fromRv < this.store.minRv) {
      // The number in parentheses is where the watch cache starts (its initial list's version).
      const err = new ApiError(410, 'Expired', `too old resource version: ${fromRv} (${this.store.minRv})`);
      this.send('ERROR', err.status());
      this.end();
      return;
    } else {
      for (const c of this.store.since(fromRv)) this.deliver(c);
    }
    if (this.o.bookmarks) this.bookmarkTimer = setInterval(() => this.bookmark(false), bookmarkIntervalMs);
    if (this.o.timeoutMs !== undefined) {
      this.timeoutTimer = setTimeout(() => {
        if (this.o.bookmarks) this.bookmark(false);
        this.end();
      }, this.o.timeoutMs);
    }
  }

  deliver(c: Change): void {
    if (this.closed || c.key !== this.o.rt.storageKey) return;
    // A watch from a version in the future stays silent until the store gets there.
    if (this.o.fromRv !== undefined && c.rv <= this.o.fromRv) return;
    const ns = str(metaOf(c.obj).namespace) ?? '';
    if (this.o.namespace !== undefined && ns !== this.o.namespace) return;
    const now = this.o.rt.fromStorage(c.obj);
    const nowMatch = this.o.match(now);
    const before = c.prev ? this.o.rt.fromStorage(c.prev) : undefined;
    const beforeMatch = before !== undefined && this.o.match(before);
    if (c.type === 'ADDED') {
      if (nowMatch) this.send('ADDED', now);
    } else if (c.type === 'DELETED') {
      if (nowMatch || beforeMatch) this.send('DELETED', now);
    } else if (nowMatch && beforeMatch) this.send('MODIFIED', now);
    else if (nowMatch) this.send('ADDED', now);
    else if (beforeMatch && before) {
      metaOf(before).resourceVersion = String(c.rv);
      this.send('DELETED', before);
    }
  }

  private bookmark(initialEnd: boolean): void {
    const metadata: Obj = { resourceVersion: String(this.store.rv) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    this.send('BOOKMARK', { kind: this.o.rt.kind, apiVersion: apiVersionOf(this.o.rt), metadata });
  }

  private send(type: string, object: Obj): void {
    if (this.closed) return;
    this.res.write(`${JSON.stringify(watchEventToWire(type, object))}\n`);
  }

  end(): void {
    if (this.closed) return;
    this.res.end();
    this.close();
  }

  /** What a stopping apiserver (SIGTERM) does: a last bookmark where allowed, then a clean end. */
  stop(): void {
    if (this.o.bookmarks) this.bookmark(false);
    this.end();
  }

  abort(): void {
    if (this.closed) return;
    this.res.destroy();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.bookmarkTimer);
    clearTimeout(this.timeoutTimer);
    this.onClose(this);
  }
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly store: Store,
    private readonly bookmarkIntervalMs: number,
  ) {
    store.onChange((c) => {
      for (const w of this.watchers) w.deliver(c);
    });
  }

  open(res: ServerResponse, o: WatchOptions): void {
    const w = new Watcher(res, o, this.store, (x) => this.watchers.delete(x));
    this.watchers.add(w);
    w.start(this.bookmarkIntervalMs);
  }

  get count(): number {
    return this.watchers.size;
  }

  /** Ends every watch: as a stopping apiserver does (last bookmark, clean end) or by resetting the connection. */
  dropAll(abort = false): void {
    for (const w of [...this.watchers]) {
      if (abort) w.abort();
      else w.stop();
    }
  }
}
