/**
 * The encrypted document in memory, and its on-disk shape (schemas/FORMAT.md
 * §3). The two are kept apart so the file format can stay stable while the
 * code changes: `fromDisk` checks and converts, `toDisk` is its inverse.
 */
import { b64url, fromB64url } from '../bytes.js';
import { fail } from '../errors.js';
import { byCodeUnits, canonicalEntries } from './layout.js';
import type { RecipientStanza } from '../crypto/recipients/types.js';
import { parseScope, scopeBinding, type ObjectIdentity, type Scope } from './scope.js';
import { isRecord } from '../is-record.js';

export const API_VERSION = 'gitseal.dev/v1';
export const KIND = 'EncryptedSecret';
export const ENVELOPE_VERSION = 1;
/** Top-level key that holds the encryption in a generic (non-Secret) file. */
export const GENERIC_KEY = 'gitseal';

export type Mode = 'secret' | 'generic';

export interface Envelope {
  readonly version: 1;
  readonly docId: Uint8Array;
  readonly recipients: readonly RecipientStanza[];
  readonly mac: Uint8Array;
}

export interface EncryptedDocument {
  readonly mode: Mode;
  /** secret mode: the object's name and namespace, readable for Argo CD / Flux. */
  readonly identity: ObjectIdentity;
  /** generic mode: the fields `.gitseal.yaml` leaves readable, bound by the MAC. */
  readonly readable: Readonly<Record<string, unknown>>;
  readonly scope: Scope;
  readonly layout: string;
  readonly entries: ReadonlyArray<readonly [string, string]>;
  readonly envelope: Envelope;
}

export function bindingOf(doc: Pick<EncryptedDocument, 'mode' | 'scope' | 'identity'>): string {
  return scopeBinding(doc.scope, doc.identity);
}

/** `namespace/name` of a secret-mode document (the object Kubernetes gets), null in generic mode. */
export const objectKeyOf = (doc: Pick<EncryptedDocument, 'mode' | 'identity'>): string | null =>
  doc.mode === 'secret' ? `${doc.identity.namespace ?? ''}/${doc.identity.name ?? ''}` : null;

/** The first item whose key an earlier item already had (null keys never repeat), or null. */
export function firstRepeat<T>(items: readonly T[], keyOf: (item: T) => string | null): { first: number; second: number; key: string } | null {
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const key = keyOf(item);
    if (key === null) continue;
    const first = seen.get(key);
    if (first !== undefined) return { first, second: i, key };
    seen.set(key, i);
  }
  return null;
}

/** JSON with every object's keys sorted (code unit order), so any reordering of a mapping gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => byCodeUnits(a, b))) : v,
  );
}

/** The readable fields as the MAC sees them. */
export function readableCanonical(doc: Pick<EncryptedDocument, 'mode' | 'readable'>): string {
  return doc.mode === 'generic' ? canonicalJson(doc.readable) : '';
}

/** On-disk envelope: every binary field base64url. */
export interface EnvelopeOnDisk {
  version: number;
  id: string;
  recipients: RecipientStanza[];
  mac: string;
}

export interface SealedPartOnDisk {
  scope: string;
  layout: string;
  encryptedData: Record<string, string>;
  envelope: EnvelopeOnDisk;
}

export function envelopeToDisk(env: Envelope): EnvelopeOnDisk {
  return {
    version: env.version,
    id: b64url(env.docId),
    recipients: env.recipients.map((r) => ({ kid: r.kid, alg: r.alg, enc: r.enc, dek: r.dek })),
    mac: b64url(env.mac),
  };
}

/** The readable fields: the object's identity for a Secret, the readable paths for a generic file. */
export function headerToDisk(doc: EncryptedDocument): Record<string, unknown> {
  if (doc.mode === 'generic') return { ...doc.readable };
  const metadata: Record<string, string> = {};
  if (doc.identity.name !== undefined) metadata.name = doc.identity.name;
  if (doc.identity.namespace !== undefined) metadata.namespace = doc.identity.namespace;
  return { apiVersion: API_VERSION, kind: KIND, metadata };
}

export function toDisk(doc: EncryptedDocument): { header: Record<string, unknown>; sealed: SealedPartOnDisk } {
  const sealed = { scope: doc.scope, layout: doc.layout, encryptedData: Object.fromEntries(canonicalEntries(doc.entries)), envelope: envelopeToDisk(doc.envelope) };
  return { header: headerToDisk(doc), sealed };
}


function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') fail('E_FORMAT', `${what} is missing or not a string`);
  return v;
}

/** True when a parsed YAML document is a gitseal-encrypted one (either mode). */
export function isEncryptedObject(obj: unknown): boolean {
  if (!isRecord(obj)) return false;
  if (obj.kind === KIND && obj.apiVersion === API_VERSION) return true;
  return isRecord(obj[GENERIC_KEY]) && 'envelope' in obj[GENERIC_KEY];
}

/** Converts one parsed on-disk document; throws E_NOT_ENCRYPTED, E_FORMAT or E_VERSION. */
export function fromDisk(obj: unknown, index: number): EncryptedDocument {
  const where = `document ${index + 1}`;
  if (!isEncryptedObject(obj)) fail('E_NOT_ENCRYPTED', `${where} is not encrypted by gitseal: run "gitseal encrypt" first`);
  const o = obj as Record<string, unknown>;
  const mode: Mode = o.kind === KIND && o.apiVersion === API_VERSION ? 'secret' : 'generic';
  let identity: ObjectIdentity = {};
  let readable: Record<string, unknown> = {};
  let sealedPart: unknown;
  if (mode === 'secret') {
    const md = isRecord(o.metadata) ? o.metadata : fail('E_FORMAT', `${where} has no metadata`);
    identity = {
      name: md.name === undefined ? undefined : str(md.name, `${where} metadata.name`),
      namespace: md.namespace === undefined ? undefined : str(md.namespace, `${where} metadata.namespace`),
    };
    sealedPart = o.spec;
  } else {
    const { [GENERIC_KEY]: part, ...rest } = o;
    readable = rest;
    sealedPart = part;
  }
  if (!isRecord(sealedPart)) fail('E_FORMAT', `${where} has no encrypted part`);
  const env = isRecord(sealedPart.envelope) ? sealedPart.envelope : fail('E_FORMAT', `${where} has no envelope`);
  if (env.version !== ENVELOPE_VERSION) fail('E_VERSION', `${where} has envelope version ${String(env.version)}; this gitseal reads version ${ENVELOPE_VERSION}: upgrade gitseal`);
  const data = sealedPart.encryptedData ?? {};
  if (!isRecord(data)) fail('E_FORMAT', `${where} encryptedData is not a mapping`);
  const entries = Object.entries(data).map(([k, v]) => [k, str(v, `${where} encryptedData entry`)] as const);
  if (!Array.isArray(env.recipients) || env.recipients.length === 0) fail('E_FORMAT', `${where} has no recipients`);
  const recipients = env.recipients.map((r: unknown, i: number): RecipientStanza => {
    if (!isRecord(r)) return fail('E_FORMAT', `${where} recipient ${i + 1} is not a mapping`);
    const f = (k: string) => str(r[k], `${where} recipient ${i + 1} ${k}`);
    return { kid: f('kid'), alg: f('alg'), enc: f('enc'), dek: f('dek') };
  });
  return {
    mode,
    identity,
    readable,
    scope: parseScope(sealedPart.scope),
    layout: str(sealedPart.layout, `${where} layout`),
    entries,
    envelope: {
      version: ENVELOPE_VERSION,
      docId: fromB64url(str(env.id, `${where} envelope id`), `${where} envelope id`),
      recipients,
      mac: fromB64url(str(env.mac, `${where} mac`), `${where} mac`),
    },
  };
}
