/**
 * reconcile() over an in-memory cluster (the six calls of KubeApi, plus the
 * informer caches as the controller gives them) and a rewrap service that
 * opens DEK envelopes with a local org key, as the real one does. The
 * EncryptedSecrets are real documents, sealed by encryptStream.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fromB64url } from '../core/bytes.js';
import { fail, GitsealError, isGitsealError } from '../core/errors.js';
import { generateIdentity, type Identity } from '../core/crypto/recipients/index.js';
import type { Scope } from '../core/format/scope.js';
import { encryptStream } from '../core/format/stream.js';
import type { DocumentSigner } from '../core/format/signature.js';
import { generateWriterSecret, writerFromSecret } from '../core/crypto/writer-key.js';
import type { UnwrapResult } from '../kms/client/client.js';
import type { LogFields, LogLevel } from '../runtime/log.js';
import type { RewrapItem } from '../kms/protocol/types.js';
import { ownerReferenceTo, type SecretObject } from './desired-secret.js';
import { ADOPT_BY_ANNOTATION, MANAGED_LABEL, MANAGED_VALUE, type EncryptedSecretObject, type EncryptedSecretStatus } from './encrypted-secret.js';
import type { KubeApi } from './kube-api.js';
import { FIELD_MANAGER, foldLegacyEntry, type ManagedFieldsEntry } from './managed-fields.js';
import { KubeStatusError } from './kube-rest.js';
import { reconcile, type ReconcilerDeps } from './reconciler.js';
import { slimEncryptedSecret, slimSecret } from './slim-objects.js';
import type { WriterTrust } from './writer-trust.js';

const CANARY = 'canary-9f3b1c';
const CANARY_KEY = 'canary-key-4e1a';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
/** What must never leave the Secret: the value, its base64 (with and without the padding), and the key name. */
const SECRETS = [CANARY, b64(CANARY), b64(CANARY).replace(/=+$/, ''), CANARY_KEY];

const orgKey = generateIdentity().identity;
const otherKey = generateIdentity().identity;
const NOW = new Date('2026-11-23T10:00:00.000Z');

const manifest = (opts: { ns?: string; name?: string; password?: string; extra?: string; labels?: string } = {}): string =>
  `apiVersion: v1
kind: Secret
metadata:
  name: ${opts.name ?? 'db'}
  namespace: ${opts.ns ?? 'payments'}
  labels: {${opts.labels ?? 'app: db'}}
type: Opaque
${opts.extra ?? ''}stringData:
  ${CANARY_KEY}: ${JSON.stringify(opts.password ?? CANARY)}
  user: app
`;

/** An EncryptedSecret as the API server holds it: the sealed document plus uid and generation. */
function sealedCr(text = manifest(), opts: { scope?: Scope; recipients?: Identity[]; uid?: string; generation?: number; signer?: DocumentSigner } = {}): EncryptedSecretObject {
  const cr = parse(encryptStream(text, { recipients: (opts.recipients ?? [orgKey]).map((i) => i.recipient), scope: opts.scope ?? 'strict', signer: opts.signer })) as EncryptedSecretObject;
  cr.metadata.uid = opts.uid ?? `uid-${cr.metadata.namespace}-${cr.metadata.name}`;
  cr.metadata.generation = opts.generation ?? 1;
  cr.metadata.resourceVersion = '1';
  return cr;
}


const key = (namespace: string, name: string): string => `${namespace}/${name}`;
const names = (o: Record<string, string> | undefined): string[] => Object.keys(o ?? {});

/**
 * The API server's side: Secrets and EncryptedSecrets in maps, a server-side
 * apply that merges labels and annotations other managers own, refuses to
 * change an immutable Secret and records gitseal's Apply entry, deletes with
 * a uid precondition, and status patches that the next read sees.
 */
class FakeCluster implements KubeApi {
  readonly secrets = new Map<string, SecretObject>();
  readonly crs = new Map<string, EncryptedSecretObject>();
  /** Every call, in order: 'applySecret payments/db', … */
  readonly calls: string[] = [];
  readonly statuses: EncryptedSecretStatus[] = [];
  readonly events: Array<{ type: string; reason: string; message: string }> = [];
  failStatus = false;
  failEvent = false;
  failedEvents = 0;
  handledEventFailures = 0;
  #rv = 100;

  addCr(cr: EncryptedSecretObject): EncryptedSecretObject {
    this.crs.set(key(cr.metadata.namespace!, cr.metadata.name), structuredClone(cr));
    return cr;
  }

  cr(namespace = 'payments', name = 'db'): EncryptedSecretObject | undefined {
    return this.crs.get(key(namespace, name));
  }

  addSecret(s: SecretObject): SecretObject {
    const stored = structuredClone(s);
    stored.metadata.uid ??= `secret-uid-${++this.#rv}`;
    stored.metadata.resourceVersion = String(++this.#rv);
    this.secrets.set(key(s.metadata.namespace, s.metadata.name), stored);
    return structuredClone(stored);
  }

  secret(namespace = 'payments', name = 'db'): SecretObject | undefined {
    return this.secrets.get(key(namespace, name));
  }

  writes(): string[] {
    return this.calls.filter((c) => /^(applySecret|deleteSecret|takeOverLegacyFields) /.test(c));
  }

  async getSecret(namespace: string, name: string): Promise<SecretObject | null> {
    this.calls.push(`getSecret ${key(namespace, name)}`);
    const s = this.secrets.get(key(namespace, name));
    return s ? structuredClone(s) : null;
  }

  async getEncryptedSecret(namespace: string, name: string): Promise<EncryptedSecretObject | null> {
    this.calls.push(`getEncryptedSecret ${key(namespace, name)}`);
    const cr = this.crs.get(key(namespace, name));
    return cr ? structuredClone(cr) : null;
  }

  async applySecret(secret: SecretObject): Promise<SecretObject> {
    const k = key(secret.metadata.namespace, secret.metadata.name);
    this.calls.push(`applySecret ${k}`);
    const live = this.secrets.get(k);
    if (live?.immutable && (JSON.stringify(live.data) !== JSON.stringify(secret.data) || live.type !== secret.type || !secret.immutable))
      throw new KubeStatusError(422, '', 'field is immutable when `immutable` is set');
    // Fields gitseal applied before and no longer applies are removed; those of other managers stay.
    const prior = live?.metadata.managedFields?.find((e) => e.manager === FIELD_MANAGER && e.operation === 'Apply');
    const priorKeys = (field: 'labels' | 'annotations') => names((prior?.fieldsV1 as Record<string, Record<string, Record<string, string>>> | undefined)?.['f:metadata']?.[`f:${field}`]).map((f) => f.slice(2));
    const merged = (field: 'labels' | 'annotations') => {
      const out = { ...live?.metadata[field] };
      for (const k of priorKeys(field)) delete out[k];
      return { ...out, ...secret.metadata[field] };
    };
    const labels = merged('labels');
    const annotations = merged('annotations');
    const entry: ManagedFieldsEntry = {
      manager: FIELD_MANAGER,
      operation: 'Apply',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:data': Object.fromEntries(names(secret.data).map((k) => [`f:${k}`, {}])),
        'f:metadata': {
          'f:labels': Object.fromEntries(names(secret.metadata.labels).map((k) => [`f:${k}`, {}])),
          ...(secret.metadata.annotations ? { 'f:annotations': Object.fromEntries(names(secret.metadata.annotations).map((k) => [`f:${k}`, {}])) } : {}),
          'f:ownerReferences': {},
        },
        'f:type': {},
      },
    };
    const stored: SecretObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: secret.metadata.name,
        namespace: secret.metadata.namespace,
        uid: live?.metadata.uid ?? `secret-uid-${++this.#rv}`,
        resourceVersion: String(++this.#rv),
        labels,
        ...(names(annotations).length ? { annotations } : {}),
        ...(secret.metadata.ownerReferences ? { ownerReferences: structuredClone(secret.metadata.ownerReferences) } : {}),
        managedFields: [...(live?.metadata.managedFields ?? []).filter((e) => e !== prior), entry],
      },
      ...(secret.type ? { type: secret.type } : {}),
      data: { ...secret.data },
      ...(secret.immutable ? { immutable: true } : {}),
    };
    this.secrets.set(k, stored);
    return structuredClone(stored);
  }

  async takeOverLegacyFields(namespace: string, name: string): Promise<void> {
    this.calls.push(`takeOverLegacyFields ${key(namespace, name)}`);
    const live = this.secrets.get(key(namespace, name));
    if (!live) throw new KubeStatusError(404, '', 'not found');
    const folded = foldLegacyEntry(live.metadata.managedFields ?? []);
    if (folded) live.metadata.managedFields = folded;
  }

  async deleteSecret(namespace: string, name: string, uid: string): Promise<void> {
    this.calls.push(`deleteSecret ${key(namespace, name)} uid=${uid}`);
    const live = this.secrets.get(key(namespace, name));
    if (!live) return;
    if (live.metadata.uid !== uid) throw new KubeStatusError(409, '', 'the uid precondition failed');
    this.secrets.delete(key(namespace, name));
  }

  async patchStatus(cr: EncryptedSecretObject, status: EncryptedSecretStatus): Promise<void> {
    this.calls.push(`patchStatus ${key(cr.metadata.namespace!, cr.metadata.name)}`);
    if (this.failStatus) throw new KubeStatusError(500, '', 'etcd is unhappy');
    this.statuses.push(structuredClone(status));
    const stored = this.crs.get(key(cr.metadata.namespace!, cr.metadata.name));
    if (stored) stored.status = structuredClone(status);
  }

  event(cr: EncryptedSecretObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.calls.push(`event ${key(cr.metadata.namespace!, cr.metadata.name)} ${type} ${reason}`);
    this.events.push({ type, reason, message });
    if (!this.failEvent) return Promise.resolve();
    // A rejection nobody handles would crash the controller: count the ones the caller handles.
    const p = Promise.reject(new KubeStatusError(403, '', 'events are forbidden'));
    const then = p.then.bind(p);
    this.failedEvents++;
    p.then = ((...args: Parameters<typeof then>) => {
      this.handledEventFailures++;
      return then(...args);
    }) as typeof p.then;
    return p;
  }
}

interface Env {
  api: FakeCluster;
  deps: ReconcilerDeps;
  logs: Array<{ level: LogLevel; msg: string; fields?: LogFields }>;
  unwrapped: RewrapItem[];
  /** Replaces the rewrap service's answer; the default opens the envelope with the org key. */
  answer: ((item: RewrapItem) => UnwrapResult | Promise<UnwrapResult>) | undefined;
  kids: ReadonlySet<string> | Error;
  trust: WriterTrust | null;
}

/** The rewrap service's unwrap (kms/service/unwrap-worker.ts), with the org key at hand. */
function serviceUnwrap(keys: readonly Identity[], item: RewrapItem): UnwrapResult {
  const identity = keys.find((k) => k.kid === item.kid);
  if (!identity) return { ok: false, code: 'E_NO_KEY', wire: 'unknown_kid', message: 'rewrap service: the service has no key with this kid' };
  try {
    const dek = identity.unwrap(item, { scopeBinding: item.scope, docId: fromB64url(item.docId, 'the docId') });
    if (dek) return { ok: true, dek };
    return { ok: false, code: 'E_SERVER', wire: 'bad_request', message: 'rewrap service: wrong alg' };
  } catch (e) {
    if (isGitsealError(e, 'E_TAMPERED')) return { ok: false, code: 'E_TAMPERED', wire: 'tampered', message: 'rewrap service: the key envelope does not open for this scope and document' };
    throw e;
  }
}

function makeEnv(): Env {
  const api = new FakeCluster();
  const env: Env = {
    api,
    logs: [],
    unwrapped: [],
    answer: undefined,
    kids: new Set([orgKey.kid]),
    trust: null,
    deps: {
      api,
      unwrap: async (item) => {
        env.unwrapped.push(item);
        return env.answer ? env.answer(item) : serviceUnwrap([orgKey], item);
      },
      serviceKids: async () => {
        if (env.kids instanceof Error) throw env.kids;
        return env.kids;
      },
      // The informer caches: slim objects; managed Secrets are those with gitseal's label.
      getCr: (ns, n) => {
        const cr = api.cr(ns, n);
        return cr && slimEncryptedSecret(structuredClone(cr));
      },
      readCr: async (ns, n) => {
        const cr = api.cr(ns, n);
        return cr ? structuredClone(cr) : null;
      },
      getManagedSecret: (ns, n) => {
        const s = api.secret(ns, n);
        return s && s.metadata.labels?.[MANAGED_LABEL] === MANAGED_VALUE ? slimSecret(structuredClone(s)) : undefined;
      },
      trust: () => env.trust,
      log: (level, msg, fields) => env.logs.push({ level, msg, ...(fields ? { fields } : {}) }),
      now: () => NOW,
    },
  };
  return env;
}

const ready = (cr: EncryptedSecretObject | undefined) => cr?.status?.conditions?.find((c) => c.type === 'Ready');
const REASONS_DECRYPTED = 'the Secret is written and current';
/** Lets the fire-and-forget event promise settle. */
const settle = () => new Promise<void>((r) => setImmediate(r));

let env: Env;
beforeEach(() => {
  env = makeEnv();
});

afterEach(async () => {
  await settle();
  // What is readable by more people than the Secret: status messages, events, logs.
  const exposed = JSON.stringify({ statuses: env.api.statuses, events: env.api.events, logs: env.logs });
  for (const s of SECRETS) expect(exposed, `"${s}" leaked`).not.toContain(s);
});

describe('reconcile: writing the Secret', () => {
  it('first write: applies as gitseal with the ownerReference, Ready=True Decrypted, one Normal event', async () => {
    const cr = env.api.addCr(sealedCr(manifest(), { generation: 3 }));
    const out = await reconcile('payments', 'db', env.deps);
    const secret = env.api.secret()!;
    expect(out).toEqual({ result: 'applied', reason: 'Decrypted', written: secret.metadata.resourceVersion, generation: 3 });
    // Not in the managed cache yet: read first, then one apply.
    expect(env.api.calls).toEqual(['getSecret payments/db', 'applySecret payments/db', 'patchStatus payments/db', 'event payments/db Normal Decrypted']);
    expect(secret).toMatchObject({
      metadata: { labels: { app: 'db', [MANAGED_LABEL]: MANAGED_VALUE }, ownerReferences: [ownerReferenceTo(cr)] },
      type: 'Opaque',
      data: { [CANARY_KEY]: b64(CANARY), user: b64('app') },
    });
    expect(secret.metadata.managedFields!.map((e) => `${e.manager}/${e.operation}`)).toEqual([`${FIELD_MANAGER}/Apply`]);
    expect(env.unwrapped).toHaveLength(1);
    expect(env.unwrapped[0]).toMatchObject({ kid: orgKey.kid, scope: 'payments/db' });
    expect(env.api.cr()!.status).toEqual({
      observedGeneration: 3,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Decrypted', message: 'the Secret is written and current', lastTransitionTime: NOW.toISOString(), observedGeneration: 3 }],
      secretName: 'db',
      lastSyncTime: NOW.toISOString(),
    });
    await settle();
    expect(env.api.events).toEqual([{ type: 'Normal', reason: 'Decrypted', message: 'Secret db written' }]);
  });

  it('unchanged: no write, no status patch when the status is current, no event', async () => {
    env.api.addCr(sealedCr());
    await reconcile('payments', 'db', env.deps);
    const before = structuredClone(env.api.secret());
    env.api.calls.length = 0;
    const out = await reconcile('payments', 'db', env.deps);
    expect(out).toEqual({ result: 'unchanged', reason: 'Decrypted', generation: 1 });
    expect(env.api.calls).toEqual([]);
    expect(env.api.secret()).toEqual(before);
  });

  it('unchanged but the status is stale (a new generation with the same Secret): patches the status only', async () => {
    env.api.addCr(sealedCr());
    await reconcile('payments', 'db', env.deps);
    env.api.cr()!.metadata.generation = 2;
    env.api.calls.length = 0;
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'unchanged', reason: 'Decrypted', generation: 2 });
    expect(env.api.calls).toEqual(['patchStatus payments/db']);
    expect(env.api.cr()!.status!.observedGeneration).toBe(2);
  });

  it('a changed value in Git is applied over the Secret gitseal wrote', async () => {
    env.api.addCr(sealedCr());
    await reconcile('payments', 'db', env.deps);
    env.api.addCr(sealedCr(manifest({ password: 'rotated' }), { generation: 2 }));
    env.api.calls.length = 0;
    const out = await reconcile('payments', 'db', env.deps);
    expect(out).toMatchObject({ result: 'applied', generation: 2 });
    expect(env.api.writes()).toEqual(['applySecret payments/db']);
    expect(env.api.secret()!.data![CANARY_KEY]).toBe(b64('rotated'));
    // The status says the same as before: only the generation changes.
    expect(env.api.calls.filter((c) => c.startsWith('patchStatus'))).toHaveLength(1);
  });

  it('a label removed in Git leaves the Secret; labels others added stay', async () => {
    env.api.addCr(sealedCr(manifest({ labels: 'app: db, old: x' })));
    await reconcile('payments', 'db', env.deps);
    env.api.secret()!.metadata.labels!.team = 'payments';
    env.api.addCr(sealedCr(manifest({ labels: 'app: db' }), { generation: 2 }));
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
    expect(env.api.secret()!.metadata.labels).toEqual({ app: 'db', team: 'payments', [MANAGED_LABEL]: MANAGED_VALUE });
  });
});

describe('reconcile: a CR that is gone', () => {
  it('not in the cache: gone, nothing read or written', async () => {
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'gone' });
    expect(env.api.calls).toEqual([]);
    expect(env.unwrapped).toEqual([]);
  });

  it('being deleted (in the cache): gone', async () => {
    const cr = sealedCr();
    cr.metadata.deletionTimestamp = NOW.toISOString();
    env.api.addCr(cr);
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'gone' });
    expect(env.api.calls).toEqual([]);
    expect(env.unwrapped).toEqual([]);
  });

  it('being deleted in the object read, though not yet in the cache: gone', async () => {
    const cr = env.api.addCr(sealedCr());
    env.deps.readCr = async () => ({ ...cr, metadata: { ...cr.metadata, deletionTimestamp: NOW.toISOString() } });
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'gone' });
    expect(env.api.calls).toEqual([]);
  });

  it('the cache says present but readCr finds nothing: gone', async () => {
    env.api.addCr(sealedCr());
    env.deps.readCr = async () => null;
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'gone' });
    expect(env.api.calls).toEqual([]);
    expect(env.unwrapped).toEqual([]);
  });
});

describe('reconcile: a Secret that is there already', () => {
  const foreign = (extra: Partial<SecretObject> = {}): SecretObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'payments', labels: { app: 'legacy' }, uid: 'their-uid' },
    type: 'Opaque',
    data: { [CANARY_KEY]: b64('theirs') },
    ...extra,
  });

  it('not owned: SecretNotOwned, Ready=False, no write, the Secret untouched', async () => {
    env.api.addCr(sealedCr());
    const before = env.api.addSecret(foreign());
    const out = await reconcile('payments', 'db', env.deps);
    expect(out).toEqual({ result: 'error', reason: 'SecretNotOwned' });
    expect(env.api.writes()).toEqual([]);
    expect(env.api.secret()).toEqual(before);
    expect(ready(env.api.cr())).toMatchObject({ status: 'False', reason: 'SecretNotOwned' });
    expect(ready(env.api.cr())!.message).toContain(ADOPT_BY_ANNOTATION);
    await settle();
    expect(env.api.events).toEqual([{ type: 'Warning', reason: 'SecretNotOwned', message: expect.stringContaining('not made by gitseal') }]);
  });

  it('owned by another EncryptedSecret (another uid) is not owned either', async () => {
    const cr = sealedCr();
    env.api.addCr(cr);
    env.api.addSecret(foreign({ metadata: { ...foreign().metadata, ownerReferences: [{ ...ownerReferenceTo(cr), uid: 'an-older-cr' }] } }));
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'SecretNotOwned' });
    expect(env.api.writes()).toEqual([]);
  });

  // Issue 15, finding 5: an annotation on the CR was a confused deputy. Whoever may create EncryptedSecrets could
  // overwrite any Secret of the namespace, and deleting the CR then garbage-collected it through the new ownerReference.
  it('the old adopt annotation on the CR, without the Secret\'s consent: SecretNotOwned, the Secret untouched', async () => {
    const cr = sealedCr();
    cr.metadata.annotations = { 'gitseal.dev/adopt': 'true' };
    env.api.addCr(cr);
    const before = env.api.addSecret(foreign());
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'SecretNotOwned' });
    expect(env.api.writes()).toEqual([]);
    expect(env.api.secret()).toEqual(before);
    expect(ready(env.api.cr())).toMatchObject({ status: 'False', reason: 'SecretNotOwned', message: expect.stringContaining('gitseal.dev/adopt-by') });
    await settle();
    expect(env.api.events).toEqual([{ type: 'Warning', reason: 'SecretNotOwned', message: expect.stringContaining('not made by gitseal') }]);
  });

  it('consent naming another EncryptedSecret does not hand the Secret to this one', async () => {
    env.api.addCr(sealedCr());
    env.api.addSecret(foreign({ metadata: { ...foreign().metadata, annotations: { [ADOPT_BY_ANNOTATION]: 'other' } } }));
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'SecretNotOwned' });
    expect(env.api.writes()).toEqual([]);
  });

  it('the Secret consents (adopt-by names the CR): taken over, with no ownerReference, and current on the next reconcile', async () => {
    const cr = sealedCr();
    env.api.addCr(cr);
    env.api.addSecret(foreign({ metadata: { ...foreign().metadata, annotations: { [ADOPT_BY_ANNOTATION]: 'db' } } }));
    const out = await reconcile('payments', 'db', env.deps);
    expect(out).toMatchObject({ result: 'applied', reason: 'Decrypted' });
    expect(env.api.writes()).toEqual(['applySecret payments/db']);
    const s = env.api.secret()!;
    expect(s).toMatchObject({ metadata: { uid: 'their-uid', annotations: { [ADOPT_BY_ANNOTATION]: 'db' } }, data: { [CANARY_KEY]: b64(CANARY) } });
    expect(s.metadata.ownerReferences).toBeUndefined();
    env.api.calls.length = 0;
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'unchanged' });
    expect(env.api.writes()).toEqual([]);
  });

  it('consent added to a Secret gitseal made: its ownerReference is dropped, so the CR\'s deletion leaves it', async () => {
    const cr = env.api.addCr(sealedCr());
    await reconcile('payments', 'db', env.deps);
    expect(env.api.secret()!.metadata.ownerReferences).toEqual([ownerReferenceTo(cr)]);
    env.api.secret()!.metadata.annotations = { [ADOPT_BY_ANNOTATION]: 'db' };
    env.api.calls.length = 0;
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
    expect(env.api.writes()).toEqual(['applySecret payments/db']);
    expect(env.api.secret()!.metadata.ownerReferences).toBeUndefined();
  });

  it('an adopted immutable Secret is replaced with its consent kept', async () => {
    env.api.addCr(sealedCr(manifest({ extra: 'immutable: true\n' })));
    env.api.addSecret(foreign({ immutable: true, metadata: { ...foreign().metadata, annotations: { [ADOPT_BY_ANNOTATION]: 'db' } } }));
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
    expect(env.api.writes()).toEqual(['deleteSecret payments/db uid=their-uid', 'applySecret payments/db']);
    expect(env.api.secret()).toMatchObject({ immutable: true, metadata: { annotations: { [ADOPT_BY_ANNOTATION]: 'db' } } });
    expect(env.api.secret()!.metadata.ownerReferences).toBeUndefined();
  });

  it('an immutable Secret of gitseal: deleted with a uid precondition, then applied', async () => {
    env.api.addCr(sealedCr(manifest({ extra: 'immutable: true\n' })));
    await reconcile('payments', 'db', env.deps);
    const old = env.api.secret()!;
    expect(old.immutable).toBe(true);
    env.api.addCr(sealedCr(manifest({ extra: 'immutable: true\n', password: 'rotated' }), { generation: 2 }));
    env.api.calls.length = 0;
    const out = await reconcile('payments', 'db', env.deps);
    expect(out).toMatchObject({ result: 'applied', reason: 'Decrypted', generation: 2 });
    expect(env.api.writes()).toEqual([`deleteSecret payments/db uid=${old.metadata.uid}`, 'applySecret payments/db']);
    expect(env.api.secret()).toMatchObject({ immutable: true, data: { [CANARY_KEY]: b64('rotated') } });
    expect(env.logs).toContainEqual({ level: 'info', msg: 'replacing an immutable Secret', fields: { namespace: 'payments', name: 'db' } });
  });

  it('an immutable Secret that is current is left alone', async () => {
    env.api.addCr(sealedCr(manifest({ extra: 'immutable: true\n' })));
    await reconcile('payments', 'db', env.deps);
    env.api.calls.length = 0;
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'unchanged' });
    expect(env.api.writes()).toEqual([]);
  });

  it('a legacy Update entry of gitseal: taken over before the apply, so the apply prunes', async () => {
    const cr = env.api.addCr(sealedCr());
    // What an earlier version's create left: gitseal owns the fields through an Update entry.
    env.api.addSecret({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'payments',
        labels: { app: 'db', [MANAGED_LABEL]: MANAGED_VALUE, old: 'x' },
        ownerReferences: [ownerReferenceTo(cr)],
        managedFields: [{ manager: FIELD_MANAGER, operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {}, [`f:${MANAGED_LABEL}`]: {}, 'f:old': {} } } } }],
      },
      type: 'Opaque',
      data: { [CANARY_KEY]: b64(CANARY), user: b64('app') },
    });
    const out = await reconcile('payments', 'db', env.deps);
    expect(out).toMatchObject({ result: 'applied', reason: 'Decrypted' });
    expect(env.api.writes()).toEqual(['takeOverLegacyFields payments/db', 'applySecret payments/db']);
    const live = env.api.secret()!;
    expect(live.metadata.managedFields!.map((e) => `${e.manager}/${e.operation}`)).toEqual([`${FIELD_MANAGER}/Apply`]);
    expect(live.metadata.labels).toEqual({ app: 'db', [MANAGED_LABEL]: MANAGED_VALUE });
    expect(env.logs).toContainEqual({ level: 'info', msg: 'took over the fields an earlier version created', fields: { namespace: 'payments', name: 'db' } });
  });
});

describe('reconcile: refusals leave the Secret as it is', () => {
  /** A Secret gitseal wrote from an earlier version of the CR, and a CR the next reconcile will refuse. */
  async function withCurrentSecret(): Promise<SecretObject> {
    env.api.addCr(sealedCr());
    await reconcile('payments', 'db', env.deps);
    env.api.addCr({ ...sealedCr(manifest({ password: 'next' }), { generation: 2 }), status: env.api.cr()!.status! });
    env.api.calls.length = 0;
    env.api.events.length = 0;
    return structuredClone(env.api.secret()!);
  }

  async function expectRefused(reason: string, condition: 'Stalled' | 'Reconciling', before: SecretObject): Promise<string> {
    const out = await reconcile('payments', 'db', env.deps);
    expect(out).toEqual({ result: 'error', reason });
    expect(env.api.writes()).toEqual([]);
    expect(env.api.secret()).toEqual(before);
    const cr = env.api.cr()!;
    expect(ready(cr)).toMatchObject({ status: 'False', reason, observedGeneration: 2 });
    expect(cr.status!.conditions!.find((c) => c.type === condition)).toMatchObject({ status: 'True', reason });
    // The last good sync is kept.
    expect(cr.status).toMatchObject({ secretName: 'db', lastSyncTime: NOW.toISOString() });
    await settle();
    expect(env.api.events).toEqual([{ type: 'Warning', reason, message: ready(cr)!.message }]);
    return ready(cr)!.message;
  }

  it.each([
    ['denied', 'E_DENIED', 'RewrapDenied', 'Stalled'],
    ['unknown_kid', 'E_NO_KEY', 'RewrapDenied', 'Stalled'],
    ['key_revoked', 'E_KEY_REVOKED', 'RewrapDenied', 'Stalled'],
    ['unauthenticated', 'E_AUTH', 'RewrapDenied', 'Stalled'],
    ['root_revoked', 'E_ROOT_REVOKED', 'RewrapUnavailable', 'Reconciling'],
    ['rate_limited', 'E_RATE_LIMITED', 'RewrapUnavailable', 'Reconciling'],
    ['timeout', 'E_SERVER', 'RewrapUnavailable', 'Reconciling'],
    ['tampered', 'E_TAMPERED', 'ScopeMismatch', 'Stalled'],
  ] as const)('the service answers %s (%s): %s', async (wire, code, reason, condition) => {
    const before = await withCurrentSecret();
    env.answer = () => ({ ok: false, code, wire, message: `rewrap service: ${wire}` });
    const message = await expectRefused(reason, condition, before);
    if (wire === 'tampered') expect(message).toContain('payments/db');
    else expect(message).toBe(`rewrap service: ${wire}`);
  });

  it('the service cannot be reached (unwrap throws a GitsealError): RewrapUnavailable with its message', async () => {
    const before = await withCurrentSecret();
    env.answer = () => fail('E_SERVER', 'cannot reach the rewrap service: connection refused');
    const message = await expectRefused('RewrapUnavailable', 'Reconciling', before);
    expect(message).toBe('cannot reach the rewrap service: connection refused');
  });

  it('an unexpected error: RewrapUnavailable, a generic message, and an error log naming only the error class', async () => {
    const before = await withCurrentSecret();
    env.answer = () => {
      throw new TypeError(`boom ${CANARY}`);
    };
    const message = await expectRefused('RewrapUnavailable', 'Reconciling', before);
    expect(message).toBe('an unexpected error; see the controller log');
    expect(env.logs).toEqual([{ level: 'error', msg: 'reconcile failed', fields: { namespace: 'payments', name: 'db', error: 'TypeError' } }]);
  });

  it('the service kids cannot be asked: RewrapUnavailable, nothing unwrapped', async () => {
    const before = await withCurrentSecret();
    env.unwrapped.length = 0;
    env.kids = new GitsealError('E_SERVER', 'cannot reach the rewrap service');
    await expectRefused('RewrapUnavailable', 'Reconciling', before);
    expect(env.unwrapped).toEqual([]);
  });

  it('the service holds none of the kids the document is for: RewrapDenied, nothing unwrapped', async () => {
    const before = await withCurrentSecret();
    env.unwrapped.length = 0;
    env.kids = new Set([otherKey.kid]);
    const message = await expectRefused('RewrapDenied', 'Stalled', before);
    expect(message).toContain(orgKey.kid);
    expect(env.unwrapped).toEqual([]);
  });

  it('a Secret from a file of several documents (not the first, not the last): applied, the file chain is not asked of one document', async () => {
    const file = encryptStream([manifest({ name: 'a' }), manifest(), manifest({ name: 'c' })].join('---\n'), { recipients: [orgKey.recipient], scope: 'strict' });
    const middle = parse(file.split(/^---\n/m)[1]!) as EncryptedSecretObject;
    expect((middle.spec as { envelope: { after: string; last: boolean } }).envelope).toMatchObject({ after: expect.not.stringMatching(/^start$/), last: false });
    env.api.addCr({ ...middle, metadata: { ...middle.metadata, uid: 'uid-middle', generation: 1, resourceVersion: '1' } });
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied', reason: 'Decrypted' });
    expect(env.api.secret()!.data![CANARY_KEY]).toBe(b64(CANARY));
  });

  it('picks the stanza of the kid the service holds', async () => {
    env.api.addCr(sealedCr(manifest(), { recipients: [otherKey, orgKey] }));
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
    expect(env.unwrapped.map((i) => i.kid)).toEqual([orgKey.kid]);
  });

  it('a value flipped in the document: Tampered', async () => {
    const before = await withCurrentSecret();
    const cr = env.api.cr()!;
    const data = (cr.spec as { encryptedData: Record<string, string> }).encryptedData;
    const [token, value] = Object.entries(data)[0]!;
    const i = 10;
    data[token] = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
    await expectRefused('Tampered', 'Stalled', before);
  });

  it('a document moved to another namespace: ScopeMismatch (the envelope does not open there)', async () => {
    const cr = sealedCr();
    cr.metadata.namespace = 'billing';
    env.api.addCr(cr);
    const out = await reconcile('billing', 'db', env.deps);
    expect(out).toEqual({ result: 'error', reason: 'ScopeMismatch' });
    expect(env.unwrapped[0]!.scope).toBe('billing/db');
    expect(env.api.writes()).toEqual([]);
    expect(ready(env.api.cr('billing', 'db'))).toMatchObject({ status: 'False', reason: 'ScopeMismatch', message: expect.stringContaining('billing/db') });
  });

  it('a document renamed within its namespace scope: ScopeMismatch (the Secret inside names the old object)', async () => {
    const cr = sealedCr(manifest(), { scope: 'namespace' });
    cr.metadata.name = 'other';
    env.api.addCr(cr);
    const out = await reconcile('payments', 'other', env.deps);
    expect(out).toEqual({ result: 'error', reason: 'ScopeMismatch' });
    expect(env.api.writes()).toEqual([]);
    expect(env.api.secret('payments', 'other')).toBeUndefined();
    expect(ready(env.api.cr('payments', 'other'))!.message).toContain('payments/db, not payments/other');
  });

  it('a spec that is not a sealed Secret: Invalid', async () => {
    const cr = sealedCr();
    cr.spec = { scope: 'strict', envelope: 'nope' };
    env.api.addCr(cr);
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'Invalid' });
    expect(env.api.writes()).toEqual([]);
    expect(env.unwrapped).toEqual([]);
  });
});

describe('reconcile: status and events', () => {
  it('one event per new failure reason, and no status patch while it says the same', async () => {
    env.api.addCr(sealedCr());
    env.answer = () => ({ ok: false, code: 'E_DENIED', wire: 'denied', message: 'rewrap service: denied' });
    await reconcile('payments', 'db', env.deps);
    await reconcile('payments', 'db', env.deps);
    await reconcile('payments', 'db', env.deps);
    await settle();
    expect(env.api.calls.filter((c) => c.startsWith('patchStatus'))).toHaveLength(1);
    expect(env.api.events.map((e) => e.reason)).toEqual(['RewrapDenied']);

    env.answer = () => ({ ok: false, code: 'E_SERVER', wire: 'timeout', message: 'rewrap service: timeout' });
    await reconcile('payments', 'db', env.deps);
    await reconcile('payments', 'db', env.deps);
    await settle();
    expect(env.api.calls.filter((c) => c.startsWith('patchStatus'))).toHaveLength(2);
    expect(env.api.events.map((e) => e.reason)).toEqual(['RewrapDenied', 'RewrapUnavailable']);
    expect(env.api.cr()!.status!.conditions!.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual(['Ready=False/RewrapUnavailable', 'Reconciling=True/RewrapUnavailable']);

    env.answer = undefined;
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
    await settle();
    expect(env.api.events.map((e) => `${e.type}/${e.reason}`)).toEqual(['Warning/RewrapDenied', 'Warning/RewrapUnavailable', 'Normal/Decrypted']);
    expect(env.api.cr()!.status!.conditions!.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual(['Ready=True/Decrypted']);
  });

  it('keeps conditions of other types', async () => {
    const cr = sealedCr();
    cr.status = { conditions: [{ type: 'Synced', status: 'True', reason: 'ArgoCD', message: 'x', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    env.api.addCr(cr);
    await reconcile('payments', 'db', env.deps);
    expect(env.api.cr()!.status!.conditions!.map((c) => c.type)).toEqual(['Synced', 'Ready']);
  });

  it('a failing status patch rejects the reconcile (the controller retries it)', async () => {
    env.api.addCr(sealedCr());
    env.api.failStatus = true;
    await expect(reconcile('payments', 'db', env.deps)).rejects.toThrow('etcd is unhappy');
    // The Secret was written first; the retry finds it current and only writes the status.
    expect(env.api.writes()).toEqual(['applySecret payments/db']);
    env.api.failStatus = false;
    env.api.calls.length = 0;
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'unchanged', reason: 'Decrypted' });
    expect(env.api.calls).toEqual(['patchStatus payments/db']);
  });

  it('a failing status patch on a refusal rejects too', async () => {
    env.api.addCr(sealedCr());
    env.answer = () => ({ ok: false, code: 'E_DENIED', wire: 'denied', message: 'rewrap service: denied' });
    env.api.failStatus = true;
    await expect(reconcile('payments', 'db', env.deps)).rejects.toThrow('etcd is unhappy');
  });

  it('a failing event is ignored, on success and on failure', async () => {
    env.api.addCr(sealedCr());
    env.api.failEvent = true;
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
    env.api.addCr({ ...sealedCr(manifest(), { generation: 2 }), status: env.api.cr()!.status! });
    env.answer = () => ({ ok: false, code: 'E_DENIED', wire: 'denied', message: 'rewrap service: denied' });
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'RewrapDenied' });
    await settle();
    expect(env.api.events.map((e) => e.reason)).toEqual(['Decrypted', 'RewrapDenied']);
    expect(env.api.failedEvents).toBe(2);
    expect(env.api.handledEventFailures).toBe(2);
  });

  it('a failing apply is recorded on the status and logged without detail: a 5xx is retried (ApiUnavailable), a refusal stalls (SecretRefused)', async () => {
    env.api.addCr(sealedCr());
    env.api.applySecret = async () => {
      throw new KubeStatusError(500, 'InternalError', `the API server echoed ${CANARY}`);
    };
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'ApiUnavailable' });
    expect(ready(env.api.cr())).toMatchObject({ status: 'False', reason: 'ApiUnavailable', message: 'the API server answered HTTP 500 InternalError; retrying' });
    expect(env.logs).toEqual([{ level: 'error', msg: 'reconcile failed', fields: { namespace: 'payments', name: 'db', error: 'KubeStatusError', status: 500, reason: 'InternalError' } }]);
    env.api.applySecret = async () => {
      throw new KubeStatusError(403, 'Forbidden', `admission webhook "deny" denied the request: ${CANARY}`);
    };
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'SecretRefused' });
    expect(ready(env.api.cr())).toMatchObject({ status: 'False', reason: 'SecretRefused', message: 'the API server refused the write: HTTP 403 Forbidden' });
    expect(env.api.cr()?.status?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'SecretRefused' });
    env.api.applySecret = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    };
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'ApiUnavailable' });
    expect(env.logs.at(-1)).toEqual({ level: 'error', msg: 'reconcile failed', fields: { namespace: 'payments', name: 'db', error: 'Error', code: 'ECONNREFUSED' } });
  });
});

describe('reconcile: who wrote the document (trusted writers)', () => {
  const alice = { ...writerFromSecret(generateWriterSecret()), subject: 'alice' };
  // An attacker with push access: their own writer key, and the org key's public recipient.
  const mallory = { ...writerFromSecret(generateWriterSecret()), subject: 'mallory' };
  const trustAlice = (required: boolean): WriterTrust => ({ required, writers: [{ name: 'alice', key: alice }] });
  const statusOf = () => env.api.cr()!.status!;

  /** A Secret alice's document wrote, then a next generation (alice's unless `next` says otherwise) the next reconcile looks at. */
  async function afterAlice(next: EncryptedSecretObject): Promise<SecretObject> {
    env.api.addCr(sealedCr(manifest(), { signer: alice }));
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
    env.api.addCr({ ...next, metadata: { ...next.metadata, generation: 2 }, status: env.api.cr()!.status! });
    env.api.calls.length = 0;
    env.api.events.length = 0;
    env.unwrapped.length = 0;
    return structuredClone(env.api.secret()!);
  }

  /**
   * The Secret untouched, Ready=False and Stalled=True with `reason`, and one Warning event. The service is never
   * asked about an unsigned or untrusted document; a trusted key's signature is verified while it is asked.
   */
  async function expectRefused(reason: string, before: SecretObject): Promise<string> {
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason });
    expect(env.unwrapped).toHaveLength(reason === 'Tampered' ? 1 : 0);
    expect(env.api.writes()).toEqual([]);
    expect(env.api.secret()).toEqual(before);
    expect(ready(env.api.cr())).toMatchObject({ status: 'False', reason, observedGeneration: 2 });
    expect(statusOf().conditions!.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason });
    await settle();
    expect(env.api.events).toEqual([{ type: 'Warning', reason, message: ready(env.api.cr())!.message }]);
    return ready(env.api.cr())!.message;
  }

  it("a trusted writer's document: written, and the writer named in the status", async () => {
    env.trust = trustAlice(true);
    env.api.addCr(sealedCr(manifest(), { signer: alice }));
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied', reason: 'Decrypted' });
    expect(statusOf()).toMatchObject({ writer: `alice (${alice.kid})`, conditions: [{ type: 'Ready', status: 'True', message: REASONS_DECRYPTED }] });
    await settle();
    expect(env.api.events.map((e) => e.reason)).toEqual(['Decrypted']);
  });

  describe('signatures required', () => {
    beforeEach(() => {
      env.trust = trustAlice(true);
    });

    it('unsigned (sealed to the public recipient by anyone): Unsigned, before the service is asked', async () => {
      const before = await afterAlice(sealedCr(manifest({ password: 'forged' })));
      const message = await expectRefused('Unsigned', before);
      expect(message).toContain('not signed');
      // The Secret still holds alice's document, and the status says so.
      expect(statusOf().writer).toBe(`alice (${alice.kid})`);
    });

    it("signed with the attacker's own key: UntrustedWriter, naming the key and who it claims to be", async () => {
      const before = await afterAlice(sealedCr(manifest({ password: 'forged' }), { signer: mallory }));
      const message = await expectRefused('UntrustedWriter', before);
      expect(message).toContain(mallory.kid);
      expect(message).toContain('"mallory"');
    });

    it("alice's signature over another document (its value changed, or the signature copied over): Tampered", async () => {
      const forged = sealedCr(manifest({ password: 'forged' }));
      const signed = sealedCr(manifest(), { signer: alice });
      (forged.spec as { envelope: { signature?: string } }).envelope.signature = (signed.spec as { envelope: { signature: string } }).envelope.signature;
      const before = await afterAlice(forged);
      expect(await expectRefused('Tampered', before)).toContain(alice.kid);
    });

    it('an empty trust file that requires signatures refuses everything', async () => {
      env.trust = { required: true, writers: [] };
      env.api.addCr(sealedCr(manifest(), { signer: alice }));
      expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'UntrustedWriter' });
      expect(env.api.secret()).toBeUndefined();
    });
  });

  describe('signatures not required', () => {
    beforeEach(() => {
      env.trust = trustAlice(false);
    });

    it.each([
      ['unsigned', undefined, 'Unsigned'],
      ['signed by an untrusted key', mallory, 'UntrustedWriter'],
    ] as const)('%s: written, with one Warning event per generation and the warning in the Ready message', async (_what, signer, reason) => {
      const cr = env.api.addCr(sealedCr(manifest(), signer ? { signer } : {}));
      expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied', reason: 'Decrypted' });
      expect(env.api.secret()!.data![CANARY_KEY]).toBe(b64(CANARY));
      const message = ready(env.api.cr())!.message;
      expect(message).toMatch(/^the Secret is written and current; .*anyone with the public recipient can write such a document/);
      expect(statusOf().writer).toBeUndefined();
      await settle();
      expect(env.api.events.map((e) => `${e.type}/${e.reason}`).sort()).toEqual(['Normal/Decrypted', `Warning/${reason}`]);
      // A resync, a restart or a repaired Secret of the same generation: no second warning.
      env.api.secrets.delete('payments/db');
      expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
      expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'unchanged' });
      await settle();
      expect(env.api.events.filter((e) => e.type === 'Warning')).toHaveLength(1);
      // The next generation warns again.
      env.api.addCr({ ...cr, metadata: { ...cr.metadata, generation: 2 }, status: env.api.cr()!.status! });
      await reconcile('payments', 'db', env.deps);
      await settle();
      expect(env.api.events.filter((e) => e.type === 'Warning')).toHaveLength(2);
    });

    it('a signature of a trusted key that does not verify is still Tampered', async () => {
      const cr = sealedCr(manifest(), { signer: alice });
      const envelope = (cr.spec as { envelope: { signature: string } }).envelope;
      const [kid, , sig] = envelope.signature.split('.');
      envelope.signature = `${kid}.${Buffer.from('bob').toString('base64url')}.${sig}`;
      env.api.addCr(cr);
      expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason: 'Tampered' });
      expect(env.unwrapped).toHaveLength(1); // asked while the signature was verified; its DEK discarded
      expect(env.api.secret()).toBeUndefined();
    });

    it("a trusted writer's document replaced by an unsigned one: the writer leaves the status", async () => {
      await afterAlice(sealedCr(manifest({ password: 'next' })));
      expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
      expect(statusOf().writer).toBeUndefined();
    });
  });

  it('without a trust file signatures are not looked at: no warning, no writer', async () => {
    env.trust = null;
    env.api.addCr(sealedCr(manifest(), { signer: mallory }));
    expect(await reconcile('payments', 'db', env.deps)).toMatchObject({ result: 'applied' });
    expect(statusOf().writer).toBeUndefined();
    expect(ready(env.api.cr())!.message).toBe(REASONS_DECRYPTED);
    await settle();
    expect(env.api.events.map((e) => e.reason)).toEqual(['Decrypted']);
  });

  it.each([
    ['unsigned', 'E_UNSIGNED', 'Unsigned'],
    ['untrusted_writer', 'E_UNTRUSTED_WRITER', 'UntrustedWriter'],
    ['writer_denied', 'E_DENIED', 'UntrustedWriter'],
    ['bad_signature', 'E_TAMPERED', 'Tampered'],
  ] as const)('the rewrap service refuses the writer (%s, %s): %s, the same condition as the controller gives', async (wire, code, reason) => {
    env.trust = trustAlice(false);
    const before = await afterAlice(sealedCr(manifest({ password: 'next' }), { signer: alice }));
    env.answer = () => ({ ok: false, code, wire, message: `rewrap service: ${wire}` });
    expect(await reconcile('payments', 'db', env.deps)).toEqual({ result: 'error', reason });
    expect(env.api.writes()).toEqual([]);
    expect(env.api.secret()).toEqual(before);
    expect(ready(env.api.cr())).toMatchObject({ status: 'False', reason, message: `rewrap service: ${wire}` });
    expect(statusOf().conditions!.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason });
    await settle();
    expect(env.api.events).toEqual([{ type: 'Warning', reason, message: `rewrap service: ${wire}` }]);
  });
});
