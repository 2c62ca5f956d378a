/**
 * The controllers that finish deletions, run as a debounced sweep a few
 * milliseconds after any change that can leave work (a deletion, an owned
 * object, an object being deleted) — like kube-controller-manager, but
 * faster: the garbage collector (dependents whose owners are all gone
 * are deleted, dangling references to a gone owner are dropped, `orphan`
 * and `foregroundDeletion` finalizers are served), the namespace
 * controller (a terminating namespace is emptied, then removed) and the
 * CRD finalizer (a deleted CRD's custom resources go first).
 */
import { CRD_CLEANUP_FINALIZER } from './crd.js';
import type { Obj } from './errors.js';
import type { Registry } from './registry.js';
import type { Catalog, ResourceType } from './resources.js';
import { isObj } from './schema.js';
import type { Store } from './store.js';
import { metaOf, str } from './values.js';

const MANAGER = { manager: 'kube-controller-manager', dryRun: false };

interface Entry {
  rt: ResourceType;
  obj: Obj;
}

const refsOf = (o: Obj): Obj[] => (Array.isArray(metaOf(o).ownerReferences) ? (metaOf(o).ownerReferences as unknown[]).filter(isObj) : []);
const finalizersOf = (o: Obj): string[] => (Array.isArray(metaOf(o).finalizers) ? (metaOf(o).finalizers as unknown[]).map(String) : []);
const nsOf = (o: Obj): string | undefined => str(metaOf(o).namespace);
const nameOf = (o: Obj): string => str(metaOf(o).name) ?? '';

export class Controllers {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Every object's uid, so an owner reference can be checked without a scan. */
  private readonly uids = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly registry: Registry,
    private readonly delayMs = 5,
  ) {
    // Only changes that can leave work behind: deletions, objects being deleted, and owned objects
    // whose owner is not (or no longer) there. A sweep scans the whole store, so an owned object
    // whose owners all exist must not cause one: with thousands of owned Secrets that is quadratic.
    for (const r of store.scan()) this.uids.add(String(metaOf(r.obj as Obj).uid));
    store.onChange((c) => {
      const m = metaOf(c.obj);
      const uid = String(m.uid);
      if (c.type === 'DELETED') this.uids.delete(uid);
      else this.uids.add(uid);
      if (c.type === 'DELETED' || m.deletionTimestamp || refsOf(c.obj).some((r) => !this.uids.has(String(r.uid)))) this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sweep();
    }, this.delayMs);
  }

  /** Objects that own something, are owned, or are being deleted (others need no attention). */
  private relevant(): { entries: Entry[]; uids: Map<string, Entry>; owners: Set<string> } {
    const owners = new Set<string>();
    const raw: { key: string; obj: Readonly<Obj> }[] = [];
    for (const r of this.store.scan()) {
      const refs = refsOf(r.obj as Obj);
      for (const ref of refs) owners.add(String(ref.uid));
      if (refs.length > 0 || metaOf(r.obj as Obj).deletionTimestamp) raw.push(r);
    }
    const uids = new Map<string, Entry>();
    for (const r of this.store.scan()) {
      const uid = String(metaOf(r.obj as Obj).uid);
      if (!owners.has(uid)) continue;
      const rt = this.catalog.byStorage(r.key)[0];
      if (rt) uids.set(uid, { rt, obj: rt.fromStorage(r.obj as Obj) });
    }
    const entries: Entry[] = [];
    for (const r of raw) {
      const rt = this.catalog.byStorage(r.key)[0];
      if (rt) entries.push({ rt, obj: rt.fromStorage(structuredClone(r.obj) as Obj) });
    }
    return { entries, uids, owners };
  }

  /** Objects in a namespace, across resources. */
  private contentOf(namespace: string): Entry[] {
    const out: Entry[] = [];
    for (const r of this.store.scan()) {
      if (metaOf(r.obj as Obj).namespace !== namespace) continue;
      const rt = this.catalog.byStorage(r.key)[0];
      if (rt?.namespaced) out.push({ rt, obj: rt.fromStorage(structuredClone(r.obj) as Obj) });
    }
    return out;
  }

  private quietly(fn: () => void): void {
    try {
      fn();
    } catch {
      // The object moved on (deleted, changed); the next sweep sees the new state.
    }
  }

  private removeFinalizer(e: Entry, f: string): void {
    this.quietly(() =>
      this.registry.update(e.rt, nsOf(e.obj), nameOf(e.obj), undefined, MANAGER, 'patch', false, (live) => {
        const o = live as Obj;
        metaOf(o).finalizers = finalizersOf(o).filter((x) => x !== f);
        return { obj: o };
      }),
    );
  }

  private dropRefs(e: Entry, uids: Set<string>): void {
    this.quietly(() =>
      this.registry.update(e.rt, nsOf(e.obj), nameOf(e.obj), undefined, MANAGER, 'patch', false, (live) => {
        const o = live as Obj;
        const kept = refsOf(o).filter((r) => !uids.has(String(r.uid)));
        if (kept.length > 0) metaOf(o).ownerReferences = kept;
        else delete metaOf(o).ownerReferences;
        return { obj: o };
      }),
    );
  }

  private remove(e: Entry, propagationPolicy: string): void {
    if (metaOf(e.obj).deletionTimestamp) return;
    this.quietly(() => this.registry.delete(e.rt, nsOf(e.obj), nameOf(e.obj), { propagationPolicy, dryRun: false }));
  }

  sweep(): void {
    if (this.stopped) return;
    const { entries, uids } = this.relevant();
    const dependentsOf = (uid: string): Entry[] => entries.filter((e) => refsOf(e.obj).some((r) => r.uid === uid));

    for (const e of entries) {
      const refs = refsOf(e.obj);
      if (refs.length === 0) continue;
      const absent = new Set<string>();
      let solid = 0;
      let foreground = false;
      for (const r of refs) {
        const owner = this.resolveOwner(e, r, uids);
        if (owner === 'unknown') solid++;
        else if (!owner) absent.add(String(r.uid));
        else if (metaOf(owner.obj).deletionTimestamp && finalizersOf(owner.obj).includes('foregroundDeletion')) foreground = true;
        else solid++;
      }
      if (solid === 0 && (absent.size > 0 || foreground)) this.remove(e, foreground ? 'Foreground' : 'Background');
      else if (absent.size > 0) this.dropRefs(e, absent);
    }

    for (const e of entries) {
      const m = metaOf(e.obj);
      if (!m.deletionTimestamp) continue;
      const uid = String(m.uid);
      const fins = finalizersOf(e.obj);
      if (fins.includes('orphan')) {
        for (const d of dependentsOf(uid)) this.dropRefs(d, new Set([uid]));
        this.removeFinalizer(e, 'orphan');
      } else if (fins.includes('foregroundDeletion') && dependentsOf(uid).length === 0) {
        this.removeFinalizer(e, 'foregroundDeletion');
      }
      if (fins.includes(CRD_CLEANUP_FINALIZER)) this.cleanupCrd(e);
      if (e.rt.group === '' && e.rt.plural === 'namespaces') this.emptyNamespace(e);
    }
  }

  /** The owner entry; undefined when it does not exist; 'unknown' when its kind is not served here. */
  private resolveOwner(dep: Entry, ref: Obj, byUid: Map<string, Entry>): Entry | undefined | 'unknown' {
    // (byUid holds every object some reference names.)
    const rt = this.catalog.byKind(String(ref.apiVersion), String(ref.kind));
    if (!rt) return 'unknown';
    const owner = byUid.get(String(ref.uid));
    if (!owner || owner.rt.storageKey !== rt.storageKey) return undefined;
    if (rt.namespaced && nsOf(owner.obj) !== nsOf(dep.obj)) return undefined;
    return owner;
  }

  private cleanupCrd(crd: Entry): void {
    const spec = isObj(crd.obj.spec) ? crd.obj.spec : {};
    const key = `${String(spec.group)}/${String(isObj(spec.names) ? spec.names.plural : '')}`;
    const rt = this.catalog.byStorage(key)[0];
    const left = rt ? this.store.list(key) : [];
    if (rt) for (const o of left) this.remove({ rt, obj: rt.fromStorage(o) }, 'Background');
    if (left.length === 0) this.removeFinalizer(crd, CRD_CLEANUP_FINALIZER);
  }

  private emptyNamespace(ns: Entry): void {
    const name = nameOf(ns.obj);
    const content = this.contentOf(name);
    for (const e of content) this.remove(e, 'Background');
    if (content.length > 0) return;
    this.quietly(() =>
      this.registry.update(ns.rt, undefined, name, undefined, MANAGER, 'patch', false, (live) => {
        const o = live as Obj;
        o.spec = { ...(isObj(o.spec) ? o.spec : {}), finalizers: [] };
        return { obj: o };
      }),
    );
  }
}
