/**
 * The generic registry's write path, as k8s.io/apiserver's store runs it:
 * decode, identity and namespace checks, preconditions (optimistic
 * concurrency), the strategy (status subresource resets, generation),
 * validation, managedFields, no-op detection, then a commit that bumps the
 * global resourceVersion. Deletion honours finalizers and the
 * Orphan/Foreground propagation finalizers the garbage collector serves.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CRD_CLEANUP_FINALIZER } from './crd.js';
import { errors, fieldErr, type Obj } from './errors.js';
import { decodeManaged, encodeManaged, managedFromWrite, recordUpdate, type FieldContext, type Managed } from './managed.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { isObj } from './schema.js';
import type { Store } from './store.js';
import { validateMeta, validateMetaUpdate } from './validation.js';
import { pruneUnknown } from './unknown-fields.js';
import { clone, deepEqual, meta, metaOf, nowTime, str, without } from './values.js';

export interface WriteOptions {
  /** The field manager recorded for Update operations. */
  manager: string;
  dryRun: boolean;
  /** Ignore | Warn (the default) | Strict: what to do about unknown fields. */
  fieldValidation?: string;
  /** Collects Warning header texts. */
  warnings?: string[];
}

export interface Produced {
  obj: Obj;
  /** Precomputed managed fields (server-side apply); otherwise an Update entry is recorded. */
  managed?: Managed;
}

export type WriteKind = 'put' | 'patch' | 'apply';

export interface DeleteOptions {
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

const POLICIES = ['Orphan', 'Background', 'Foreground'];
const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export const gr = (rt: ResourceType) => ({ group: rt.group, plural: rt.plural });

export function fieldContext(rt: ResourceType, subresource?: string): FieldContext {
  return { schema: rt.schema, apiVersion: apiVersionOf(rt), statusIsSubresource: rt.status, ...(subresource ? { subresource } : {}) };
}

const isNamespaceType = (rt: ResourceType): boolean => rt.group === '' && rt.plural === 'namespaces';

export class Registry {
  constructor(
    private readonly store: Store,
    private readonly nameSuffix?: () => string | undefined,
  ) {}

  read(rt: ResourceType, namespace: string | undefined, name: string): Obj {
    const o = this.store.get(rt.storageKey, namespace ?? '', name);
    if (!o) throw errors.notFound(gr(rt), name);
    return rt.fromStorage(o);
  }

  private typeMeta(rt: ResourceType, o: Obj): void {
    const want = apiVersionOf(rt);
    if (o.apiVersion === undefined && o.kind === undefined && !rt.custom) {
      o.apiVersion = want;
      o.kind = rt.kind;
    }
    if (typeof o.kind !== 'string' || !o.kind) throw errors.badRequest(`Object 'Kind' is missing in '${JSON.stringify(o)}'`);
    if (typeof o.apiVersion !== 'string' || !o.apiVersion) throw errors.badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(o)}'`);
    if (o.apiVersion !== want) throw errors.badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${want})`);
    if (o.kind !== rt.kind) throw errors.badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${rt.kind})`);
  }

  private placeNamespace(rt: ResourceType, o: Obj, namespace: string | undefined): void {
    const m = meta(o);
    if (rt.namespaced) {
      if (str(m.namespace) && m.namespace !== namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      m.namespace = namespace;
    } else delete m.namespace;
  }

  /** The NamespaceLifecycle admission plugin: content only goes into namespaces that exist and are not terminating. */
  private admitNamespace(rt: ResourceType, namespace: string | undefined, name: string): void {
    if (!rt.namespaced || namespace === undefined) return;
    const ns = this.store.get('/namespaces', '', namespace);
    if (!ns) throw errors.notFound({ group: '', plural: 'namespaces' }, namespace);
    if (metaOf(ns).deletionTimestamp) {
      throw errors.forbidden(gr(rt), name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  /**
   * Drops the fields the kind does not have and runs its decoder, applying the fieldValidation
   * directive to the unknown fields found.
   */
  private decode(rt: ResourceType, o: Obj, opts: WriteOptions): void {
    const unknown = [...(rt.custom ? [] : pruneUnknown(o)), ...(rt.decode?.(o) ?? [])];
    if (unknown.length === 0 || opts.fieldValidation === 'Ignore') return;
    const texts = unknown.map((f) => `unknown field "${f}"`);
    if (opts.fieldValidation === 'Strict') {
      throw errors.badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${texts.join(', ')}`);
    }
    opts.warnings?.push(...texts);
  }

  private validate(rt: ResourceType, o: Obj, old: Obj | undefined, subresource?: string): void {
    const metaErrs = rt.skipMetaValidation ? [] : [...validateMeta(o, rt.nameCheck, rt.namespaced), ...(old ? validateMetaUpdate(o, old) : [])];
    const errs = [...metaErrs, ...(rt.validate?.(o, old, subresource) ?? [])];
    if (errs.length > 0) throw errors.invalid(rt.kind, rt.validationGroup ?? rt.group, str(metaOf(o).name) ?? '', errs);
  }

  create(rt: ResourceType, namespace: string | undefined, body: Obj, opts: WriteOptions, managed?: Managed): Obj {
    const o = clone(body);
    this.typeMeta(rt, o);
    this.decode(rt, o, opts);
    this.placeNamespace(rt, o, namespace);
    const base = managedFromWrite(o) ?? new Map();
    const m = meta(o);
    if (str(m.resourceVersion)) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    if (!str(m.name) && str(m.generateName)) {
      const suffix = this.nameSuffix?.() ?? [...randomBytes(5)].map((b) => GENERATE_CHARS[b % GENERATE_CHARS.length]).join('');
      m.name = `${(m.generateName as string).slice(0, 58)}${suffix}`;
    }
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'generation', 'managedFields', 'resourceVersion']) delete m[k];
    m.uid = randomUUID();
    m.creationTimestamp = nowTime();
    if (rt.generation) m.generation = 1;
    if (rt.status) delete o.status;
    rt.prepareCreate?.(o);
    this.admitNamespace(rt, namespace, str(m.name) ?? '');
    this.validate(rt, o, undefined);
    const name = str(m.name) as string;
    if (this.store.get(rt.storageKey, namespace ?? '', name)) throw errors.alreadyExists(gr(rt), name);
    const entries = managed ?? recordUpdate(undefined, o, base, opts.manager, fieldContext(rt));
    meta(o).managedFields = encodeManaged(entries);
    if (meta(o).managedFields && (meta(o).managedFields as unknown[]).length === 0) delete meta(o).managedFields;
    if (opts.dryRun) return o;
    return rt.fromStorage(this.store.commit('ADDED', rt.storageKey, rt.toStorage(o), undefined));
  }

  /**
   * Replace/patch/apply: `produce` turns the live object (undefined when absent) into the candidate.
   * Creates when absent if `createIfMissing`.
   */
  update(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    subresource: string | undefined,
    opts: WriteOptions,
    kind: WriteKind,
    createIfMissing: boolean,
    produce: (live: Obj | undefined) => Produced,
  ): { obj: Obj; created: boolean } {
    const stored = this.store.get(rt.storageKey, namespace ?? '', name);
    if (!stored) {
      if (!createIfMissing || subresource) throw errors.notFound(gr(rt), name);
      const p = produce(undefined);
      const m = meta(p.obj);
      if (str(m.name) && m.name !== name) throw errors.badRequest(`the name of the object (${String(m.name)}) does not match the name on the URL (${name})`);
      m.name = name;
      return { obj: this.create(rt, namespace, p.obj, opts, p.managed), created: true };
    }
    const live = rt.fromStorage(stored);
    const p = produce(clone(live));
    const c = clone(p.obj);
    this.typeMeta(rt, c);
    this.decode(rt, c, opts);
    const m = meta(c);
    const lm = metaOf(live);
    if (str(m.name) !== undefined && m.name !== name) throw errors.badRequest(`the name of the object (${String(m.name)}) does not match the name on the URL (${name})`);
    m.name = name;
    this.placeNamespace(rt, c, namespace);
    if (str(m.uid) && m.uid !== lm.uid) {
      throw errors.conflict(gr(rt), name, `Precondition failed: UID in precondition: ${String(m.uid)}, UID in object meta: ${String(lm.uid)}`);
    }
    const rv = str(m.resourceVersion);
    if (rv) {
      if (rv !== lm.resourceVersion) throw errors.staleConflict(gr(rt), name);
    } else if (!rt.allowUnconditionalUpdate && kind === 'put') {
      // (Raised by the generic registry itself, which names the resource, and prints the uint64 0 with %#v.)
      throw errors.invalid(rt.plural, rt.group, name, [fieldErr.invalidGo('metadata.resourceVersion', '0x0', 'must be specified for an update')]);
    }
    m.resourceVersion = lm.resourceVersion;
    if (!str(m.uid)) m.uid = lm.uid;
    m.creationTimestamp = lm.creationTimestamp;
    for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
      if (lm[k] !== undefined) m[k] = lm[k];
      else delete m[k];
    }
    delete m.selfLink;

    let next: Obj;
    if (subresource === 'status') {
      next = clone(live);
      if (c.status !== undefined) next.status = c.status;
      else delete next.status;
    } else {
      next = c;
      if (rt.status) {
        if (live.status !== undefined) next.status = clone(live.status);
        else delete next.status;
      }
      rt.prepareUpdate?.(next, live);
    }
    if (rt.generation && subresource !== 'status') {
      const ignore = rt.status ? ['metadata', 'status'] : ['metadata'];
      if (!deepEqual(without(next, ...ignore), without(live, ...ignore))) meta(next).generation = Number(lm.generation ?? 0) + 1;
    }
    this.validate(rt, next, live, subresource);
    const base = (subresource ? undefined : managedFromWrite(c)) ?? decodeManaged(live);
    const entries = p.managed ?? recordUpdate(live, next, base, opts.manager, fieldContext(rt, subresource));
    const encoded = encodeManaged(entries);
    if (encoded.length > 0) meta(next).managedFields = encoded;
    else delete meta(next).managedFields;
    if (deepEqual(next, live) || opts.dryRun) return { obj: deepEqual(next, live) ? live : next, created: false };
    if (this.finalizable(rt, next)) return { obj: rt.fromStorage(this.store.commit('DELETED', rt.storageKey, rt.toStorage(next), stored)), created: false };
    return { obj: rt.fromStorage(this.store.commit('MODIFIED', rt.storageKey, rt.toStorage(next), stored)), created: false };
  }

  /** Being deleted with nothing left to wait for. */
  private finalizable(rt: ResourceType, o: Obj): boolean {
    const m = metaOf(o);
    if (!m.deletionTimestamp) return false;
    if (Array.isArray(m.finalizers) && m.finalizers.length > 0) return false;
    if (isNamespaceType(rt) && isObj(o.spec) && Array.isArray(o.spec.finalizers) && o.spec.finalizers.length > 0) return false;
    return true;
  }

  delete(rt: ResourceType, namespace: string | undefined, name: string, d: DeleteOptions): Obj {
    const policy = d.propagationPolicy;
    if (policy !== undefined && !POLICIES.includes(policy)) {
      throw errors.invalid('DeleteOptions', 'meta.k8s.io', '', [fieldErr.notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan', 'nil'])]);
    }
    const stored = this.store.get(rt.storageKey, namespace ?? '', name);
    if (!stored) throw errors.notFound(gr(rt), name);
    const live = rt.fromStorage(stored);
    const lm = metaOf(live);
    const pre = d.preconditions ?? {};
    if (pre.uid && pre.uid !== lm.uid) {
      // (Checked by the storage layer, which names the kind.)
      const why = `the UID in the precondition (${pre.uid}) does not match the UID in record (${String(lm.uid)}). The object might have been deleted and then recreated`;
      throw errors.conflict({ group: rt.group, plural: rt.kind }, name, why);
    }
    if (pre.resourceVersion && pre.resourceVersion !== lm.resourceVersion) {
      throw errors.conflict(gr(rt), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(lm.resourceVersion)}`);
    }
    const add: string[] = [];
    if (policy === 'Foreground') add.push('foregroundDeletion');
    if (policy === 'Orphan') add.push('orphan');
    if (rt.group === 'apiextensions.k8s.io' && rt.plural === 'customresourcedefinitions') add.push(CRD_CLEANUP_FINALIZER);
    const existing = Array.isArray(lm.finalizers) ? lm.finalizers.map(String) : [];
    const finalizers = [...existing, ...add.filter((f) => !existing.includes(f))];
    if (lm.deletionTimestamp || finalizers.length > 0 || isNamespaceType(rt)) {
      const next = clone(live);
      const nm = meta(next);
      if (!nm.deletionTimestamp) {
        nm.deletionTimestamp = nowTime();
        nm.deletionGracePeriodSeconds = 0;
        if (typeof nm.generation === 'number' && nm.generation > 0) nm.generation += 1;
      }
      if (finalizers.length > 0) nm.finalizers = finalizers;
      if (isNamespaceType(rt)) next.status = { ...(isObj(next.status) ? next.status : {}), phase: 'Terminating' };
      if (deepEqual(next, live) || d.dryRun) return live;
      return rt.fromStorage(this.store.commit('MODIFIED', rt.storageKey, rt.toStorage(next), stored));
    }
    if (d.dryRun) return rt.returnDeletedObject ? live : successStatus(rt, name, lm.uid);
    const gone = rt.fromStorage(this.store.commit('DELETED', rt.storageKey, stored, stored));
    return rt.returnDeletedObject ? gone : successStatus(rt, name, lm.uid);
  }
}

function successStatus(rt: ResourceType, name: string, uid: unknown): Obj {
  const details: Obj = { name, ...(rt.group ? { group: rt.group } : {}), kind: rt.plural, uid };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
