/**
 * The storage layer: objects by resource, one global resourceVersion
 * counter (like etcd's revision), and a bounded history of changes that
 * watches replay and consistent (paginated / exact-version) lists are
 * reconstructed from. compact() forgets the history, so older versions
 * answer 410 Gone.
 */
import type { Obj } from './errors.js';
import { clone, metaOf, str } from './values.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  rv: number;
  type: EventType;
  key: string;
  /** The object after the change (for DELETED: as deleted, carrying the deletion's resourceVersion). */
  obj: Obj;
  /** The object before the change. */
  prev?: Obj;
}

const objKey = (o: Obj): string => `${str(metaOf(o).namespace) ?? ''}/${str(metaOf(o).name) ?? ''}`;

export class Store {
  rv = 0;
  /** Every change with rv > minRv is still in the history (the watch cache). */
  minRv = 0;
  /** etcd's compacted revision: lists at older versions are gone. */
  compactedRv = 0;
  private readonly data = new Map<string, Map<string, Obj>>();
  private history: Change[] = [];
  private readonly listeners: ((c: Change) => void)[] = [];

  constructor(private readonly historySize: number) {}

  onChange(fn: (c: Change) => void): void {
    this.listeners.push(fn);
  }

  private bucket(key: string): Map<string, Obj> {
    let b = this.data.get(key);
    if (!b) this.data.set(key, (b = new Map()));
    return b;
  }

  get(key: string, namespace: string, name: string): Obj | undefined {
    const o = this.data.get(key)?.get(`${namespace}/${name}`);
    return o && clone(o);
  }

  /** Current objects of a resource, in key order (namespace, then name). */
  list(key: string, namespace?: string): Obj[] {
    return this.entries(key, namespace).map(([, o]) => clone(o));
  }

  /**
   * The stored objects of a resource in key order, uncopied (read-only), at the current version or,
   * with `rv`, as they were then (undefined once that version is compacted away). Lists page through
   * this and copy only the objects a page returns.
   */
  entries(key: string, namespace?: string): [string, Readonly<Obj>][];
  entries(key: string, namespace: string | undefined, rv: number): [string, Readonly<Obj>][] | undefined;
  entries(key: string, namespace?: string, rv?: number): [string, Readonly<Obj>][] | undefined {
    const state = new Map<string, Readonly<Obj>>(this.data.get(key) ?? []);
    if (rv !== undefined) {
      if (rv < this.minRv || rv < this.compactedRv) return undefined;
      for (let i = this.history.length - 1; i >= 0; i--) {
        const c = this.history[i] as Change;
        if (c.rv <= rv) break;
        if (c.key !== key) continue;
        if (c.type === 'ADDED') state.delete(objKey(c.obj));
        else if (c.prev) state.set(objKey(c.prev), c.prev);
      }
    }
    return [...state.entries()].filter(([k]) => namespace === undefined || k.startsWith(`${namespace}/`)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Every stored object, uncopied: read-only, for sweeps that must not pay for cloning. */
  *scan(): Generator<{ key: string; obj: Readonly<Obj> }> {
    for (const [key, b] of this.data) for (const obj of b.values()) yield { key, obj };
  }

  /** Writes obj (undefined: deletes `prev`), assigning the next resourceVersion; returns the stored copy. */
  commit(type: EventType, key: string, obj: Obj, prev: Obj | undefined): Obj {
    this.rv += 1;
    const stored = clone(obj);
    const m = metaOf(stored);
    m.resourceVersion = String(this.rv);
    stored.metadata = m;
    const b = this.bucket(key);
    if (type === 'DELETED') b.delete(objKey(stored));
    else b.set(objKey(stored), stored);
    const change: Change = { rv: this.rv, type, key, obj: stored, ...(prev ? { prev: clone(prev) } : {}) };
    this.history.push(change);
    while (this.history.length > this.historySize) {
      const dropped = this.history.shift() as Change;
      this.minRv = dropped.rv;
    }
    for (const fn of this.listeners) fn(change);
    return clone(stored);
  }

  /** Changes after `rv` (caller checks rv >= minRv). */
  since(rv: number): Change[] {
    return this.history.filter((c) => c.rv > rv);
  }

  compact(): void {
    this.history = [];
    this.minRv = this.rv;
    this.compactedRv = this.rv;
  }

  /** etcd compaction alone: the history stays for watches. */
  compactStorage(): void {
    this.compactedRv = this.rv;
  }
}
