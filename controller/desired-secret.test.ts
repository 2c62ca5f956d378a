/**
 * desiredSecret, sameSecret and ownedBy over documents sealed and opened
 * with the real format. Manifests Kubernetes would refuse are sealed with
 * sealDocument directly: encryptStream refuses them before encryption, and
 * the controller must refuse them again when a file was sealed some other way.
 */
import { describe, expect, it } from 'vitest';
import { isGitsealError, type ErrorCode } from '../core/errors.js';
import { generateIdentity } from '../core/crypto/recipients/index.js';
import type { Scope } from '../core/format/scope.js';
import { onlyDocumentIn, openDocument, sealDocument, unwrapDek, type OpenedDocument } from '../core/format/seal.js';
import { parsePlainStream } from '../core/format/yaml-store.js';
import { desiredSecret, ownedBy, ownerReferenceTo, sameSecret, type SecretObject } from './desired-secret.js';
import { MANAGED_LABEL, type EncryptedSecretObject } from './encrypted-secret.js';
import { FIELD_MANAGER, type ManagedFieldsEntry } from './managed-fields.js';
import { dataDigest } from './slim-objects.js';

const { identity } = generateIdentity();
const CANARY = 'canary-9f3b1c';
const CANARY_KEY = 'canary-key-4e1a';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

const crFor = (namespace = 'payments', name = 'db', extra: Partial<EncryptedSecretObject['metadata']> = {}): EncryptedSecretObject => ({
  apiVersion: 'gitseal.dev/v1',
  kind: 'EncryptedSecret',
  metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1, ...extra },
});

/** Seals one YAML document as a Secret-mode document (no Kubernetes checks) and opens it again with the DEK. */
function sealed(text: string, id: { namespace?: string; name?: string } = { namespace: 'payments', name: 'db' }, scope: Scope = 'strict'): OpenedDocument {
  const [plain] = parsePlainStream(text);
  const doc = sealDocument({ plain: plain!, mode: 'secret', identity: id, readable: {}, scope }, { recipients: [identity.recipient], file: onlyDocumentIn(new Uint8Array(16)) });
  return openDocument(doc, unwrapDek(doc, [identity]));
}

const manifest = (body: string, metadata = 'name: db\n  namespace: payments'): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  ${metadata}\n${body}`;

function thrown(f: () => unknown): { code: ErrorCode; message: string } {
  try {
    f();
  } catch (e) {
    if (isGitsealError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a GitsealError');
}

describe('desiredSecret', () => {
  it('folds stringData into canonical base64 data, over data of the same key', () => {
    const s = desiredSecret(crFor(), sealed(manifest(`data:\n  a: ${b64('from data')}\n  b: ${b64('kept')}\nstringData:\n  a: ${CANARY}\n  c: "two words"\n`)));
    expect(s.data).toEqual({ a: b64(CANARY), b: b64('kept'), c: b64('two words') });
  });

  it('re-encodes data canonically (wrapped lines become one line)', () => {
    const value = b64(`${CANARY} and some more text so that the base64 is long enough to wrap`);
    const wrapped = value.match(/.{1,16}/g)!.join('\n    ');
    const s = desiredSecret(crFor(), sealed(manifest(`data:\n  k: |\n    ${wrapped}\n`)));
    expect(s.data).toEqual({ k: value });
    expect(Buffer.from(s.data!.k!, 'base64').toString('utf8')).toContain(CANARY);
  });

  it('keeps labels and annotations, adds the managed-by label, owns the Secret through the CR', () => {
    const cr = crFor();
    const s = desiredSecret(cr, sealed(manifest('stringData:\n  k: v\n', 'name: db\n  namespace: payments\n  labels: {app: db, tier: "3"}\n  annotations: {note: hello}')));
    expect(s).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'payments',
        labels: { app: 'db', tier: '3', [MANAGED_LABEL]: 'gitseal' },
        annotations: { note: 'hello' },
        ownerReferences: [{ apiVersion: 'gitseal.dev/v1', kind: 'EncryptedSecret', name: 'db', uid: 'uid-payments-db', controller: true, blockOwnerDeletion: true }],
      },
      type: 'Opaque',
      data: { k: b64('v') },
    });
    expect(s.metadata.ownerReferences).toEqual([ownerReferenceTo(cr)]);
  });

  it('gitseal sets the managed-by label even when the manifest sets another value', () => {
    const s = desiredSecret(crFor(), sealed(manifest('stringData:\n  k: v\n', `name: db\n  namespace: payments\n  labels: {"${MANAGED_LABEL}": helm}`)));
    expect(s.metadata.labels).toEqual({ [MANAGED_LABEL]: 'gitseal' });
  });

  it('has no annotations field without annotations, type Opaque by default, the manifest type otherwise', () => {
    const plain = desiredSecret(crFor(), sealed(manifest('stringData:\n  k: v\n')));
    expect(plain.metadata).not.toHaveProperty('annotations');
    expect(plain.type).toBe('Opaque');
    expect(plain).not.toHaveProperty('immutable');
    const tls = desiredSecret(crFor(), sealed(manifest(`type: kubernetes.io/tls\ndata:\n  tls.crt: ${b64('crt')}\n  tls.key: ${b64('key')}\n`)));
    expect(tls.type).toBe('kubernetes.io/tls');
  });

  it('keeps immutable: true, and only true', () => {
    expect(desiredSecret(crFor(), sealed(manifest('immutable: true\nstringData:\n  k: v\n'))).immutable).toBe(true);
    expect(desiredSecret(crFor(), sealed(manifest('immutable: false\nstringData:\n  k: v\n')))).not.toHaveProperty('immutable');
  });

  it('takes the namespace from the CR when the manifest has none', () => {
    const s = desiredSecret(crFor('billing', 'db'), sealed(manifest('stringData:\n  k: v\n', 'name: db'), { namespace: 'billing', name: 'db' }, 'strict'));
    expect(s.metadata).toMatchObject({ name: 'db', namespace: 'billing' });
  });

  it('E_SCOPE when the manifest names another object than the CR', () => {
    // A namespace-scoped document opens for any name in its namespace: the name inside is what tells.
    const opened = sealed(manifest(`stringData:\n  k: ${CANARY}\n`), { namespace: 'payments', name: 'db' }, 'namespace');
    const renamed = thrown(() => desiredSecret(crFor('payments', 'other'), opened));
    expect(renamed.code).toBe('E_SCOPE');
    expect(renamed.message).toContain('payments/db, not payments/other');
    const moved = thrown(() => desiredSecret(crFor('billing', 'db'), opened));
    expect(moved.code).toBe('E_SCOPE');
    expect(moved.message).toContain('payments/db, not billing/db');
    expect(`${renamed.message} ${moved.message}`).not.toContain(CANARY);
  });

  it.each([
    ['a ConfigMap', 'E_SECRET_INVALID', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n  namespace: payments\ndata:\n  ${CANARY_KEY}: ${CANARY}\n`],
    ['a Secret of another apiVersion', 'E_SECRET_INVALID', `apiVersion: v2\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  ${CANARY_KEY}: ${CANARY}\n`],
    ['a bad data key', 'E_SECRET_INVALID', manifest(`stringData:\n  "${CANARY_KEY}/x": ${CANARY}\n`)],
    ['bad base64', 'E_SECRET_INVALID', manifest(`data:\n  ${CANARY_KEY}: "${CANARY}!"\n`)],
    ['a non-string value', 'E_SECRET_INVALID', manifest(`stringData:\n  ${CANARY_KEY}: {nested: ${CANARY}}\n`)],
    ['a bad type', 'E_SECRET_INVALID', manifest(`type: [${CANARY}]\nstringData:\n  ${CANARY_KEY}: x\n`)],
    ['over 1 MiB of data', 'E_TOO_LARGE', manifest(`stringData:\n  ${CANARY_KEY}: ${CANARY}${'x'.repeat(1024 * 1024)}\n`)],
  ] as const)('refuses %s (%s) with a message that names no key or value', (_what, code, text) => {
    const e = thrown(() => desiredSecret(crFor(), sealed(text)));
    expect(e.code).toBe(code);
    expect(e.message).not.toContain(CANARY_KEY);
    expect(e.message).not.toContain(CANARY);
    expect(e.message).not.toContain(b64(CANARY));
  });
});

/** The Apply entry an API server keeps after gitseal applied these labels and annotations. */
const applyEntry = (labels: string[], annotations: string[] = []): ManagedFieldsEntry => ({
  manager: FIELD_MANAGER,
  operation: 'Apply',
  apiVersion: 'v1',
  fieldsType: 'FieldsV1',
  fieldsV1: {
    'f:data': {},
    'f:metadata': {
      'f:labels': Object.fromEntries(labels.map((k) => [`f:${k}`, {}])),
      ...(annotations.length ? { 'f:annotations': Object.fromEntries(annotations.map((k) => [`f:${k}`, {}])) } : {}),
      'f:ownerReferences': {},
    },
    'f:type': {},
  },
});

describe('sameSecret', () => {
  const cr = crFor();
  const desired = desiredSecret(cr, sealed(manifest(`stringData:\n  password: ${CANARY}\n  user: app\n`, 'name: db\n  namespace: payments\n  labels: {app: db}\n  annotations: {note: hello}')));
  /** The live Secret as the API server would give it back after gitseal applied `desired`. */
  const live = (change: (s: SecretObject) => void = () => {}): SecretObject => {
    const s = structuredClone(desired);
    s.metadata.uid = 'secret-uid';
    s.metadata.resourceVersion = '7';
    s.metadata.managedFields = [applyEntry(['app', MANAGED_LABEL], ['note'])];
    change(s);
    return s;
  };

  it('is true for what the controller applied, and with labels and annotations others added', () => {
    expect(sameSecret(live(), desired, cr)).toBe(true);
    const decorated = live((s) => {
      s.metadata.labels!.team = 'payments';
      s.metadata.annotations!['kubectl.kubernetes.io/last-applied'] = '{}';
      s.metadata.managedFields!.push({ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } } });
    });
    expect(sameSecret(decorated, desired, cr)).toBe(true);
  });

  it('reads a live type left out as Opaque', () => {
    expect(sameSecret(live((s) => delete s.type), desired, cr)).toBe(true);
  });

  it.each<[string, (s: SecretObject) => void]>([
    ['no ownerReference', (s) => delete s.metadata.ownerReferences],
    ['an ownerReference to another CR', (s) => (s.metadata.ownerReferences = [{ ...s.metadata.ownerReferences![0]!, uid: 'another' }])],
    ['an ownerReference that is not the controller', (s) => (s.metadata.ownerReferences = [{ ...s.metadata.ownerReferences![0]!, controller: false }])],
    ['a legacy Update entry', (s) => s.metadata.managedFields!.push({ manager: FIELD_MANAGER, operation: 'Update', fieldsV1: {} })],
    ['a label removed in Git but still applied', (s) => ((s.metadata.labels!.old = 'x'), (s.metadata.managedFields = [applyEntry(['app', MANAGED_LABEL, 'old'], ['note'])]))],
    ['an annotation removed in Git but still applied', (s) => ((s.metadata.annotations!.gone = 'x'), (s.metadata.managedFields = [applyEntry(['app', MANAGED_LABEL], ['note', 'gone'])]))],
    ['another type', (s) => (s.type = 'kubernetes.io/basic-auth')],
    ['a changed value', (s) => (s.data!.password = b64('changed'))],
    ['a key more', (s) => (s.data!.extra = b64('x'))],
    ['a key less', (s) => delete s.data!.user],
    ['no data', (s) => delete s.data],
    ['immutable', (s) => (s.immutable = true)],
    ['a label missing', (s) => delete s.metadata.labels!.app],
    ['a label of another value', (s) => (s.metadata.labels!.app = 'other')],
    ['the managed-by label missing', (s) => delete s.metadata.labels![MANAGED_LABEL]],
    ['an annotation missing', (s) => delete s.metadata.annotations],
    ['an annotation of another value', (s) => (s.metadata.annotations!.note = 'bye')],
  ])('is false with %s', (_what, change) => {
    expect(sameSecret(live(change), desired, cr)).toBe(false);
  });

  it('is false when Git makes the Secret immutable, true when both are', () => {
    const frozen = { ...desired, immutable: true };
    expect(sameSecret(live(), frozen, cr)).toBe(false);
    expect(sameSecret(live((s) => (s.immutable = true)), frozen, cr)).toBe(true);
  });

  it('compares the data digest when the cache keeps a digest instead of the data', () => {
    const slim = (digest: string) =>
      live((s) => {
        delete s.data;
        s.dataDigest = digest;
      });
    expect(sameSecret(slim(dataDigest(desired.data)), desired, cr)).toBe(true);
    expect(sameSecret(slim(dataDigest({ ...desired.data, password: b64('changed') })), desired, cr)).toBe(false);
    expect(sameSecret(slim(dataDigest({ ...desired.data, extra: b64('x') })), desired, cr)).toBe(false);
    expect(sameSecret(slim(dataDigest(undefined)), desired, cr)).toBe(false);
  });

  it('compares the data when the live Secret has both (a stale digest does not count)', () => {
    expect(sameSecret(live((s) => (s.dataDigest = 'stale')), desired, cr)).toBe(true);
    expect(sameSecret(live((s) => ((s.dataDigest = dataDigest(desired.data)), (s.data!.password = b64('changed')))), desired, cr)).toBe(false);
  });

  it('without managedFields, only what is desired counts', () => {
    expect(sameSecret(live((s) => ((s.metadata.labels!.old = 'x'), delete s.metadata.managedFields)), desired, cr)).toBe(true);
  });
});

describe('ownedBy', () => {
  const cr = crFor();
  const secret = (ownerReferences?: SecretObject['metadata']['ownerReferences']): SecretObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'payments', ...(ownerReferences ? { ownerReferences } : {}) },
  });

  it('is true for a controller reference to this CR uid, among others', () => {
    expect(ownedBy(secret([ownerReferenceTo(cr)]), cr)).toBe(true);
    expect(ownedBy(secret([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'u' }, ownerReferenceTo(cr)]), cr)).toBe(true);
  });

  it('is false with no references, a non-controller reference or another uid', () => {
    expect(ownedBy(secret(), cr)).toBe(false);
    expect(ownedBy(secret([{ ...ownerReferenceTo(cr), controller: false }]), cr)).toBe(false);
    const { controller: _c, ...plain } = ownerReferenceTo(cr);
    expect(ownedBy(secret([plain]), cr)).toBe(false);
    expect(ownedBy(secret([ownerReferenceTo(crFor('payments', 'db', { uid: 'recreated' }))]), cr)).toBe(false);
    // Same name, another object: a CR deleted and created again gets a new uid.
    expect(ownedBy(secret([ownerReferenceTo(cr)]), crFor('payments', 'db', { uid: 'recreated' }))).toBe(false);
  });
});
