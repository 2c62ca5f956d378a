/**
 * The encrypted document in memory, and its on-disk shape (schemas/FORMAT.md
 * §3). The two are kept apart so the file format can stay stable while the
 * code changes: `fromDisk` checks and converts, `toDisk` is its inverse.
 */
import { b64url, fromB64url, fromUtf8, utf8 } from '../bytes.js';
import { fail } from '../errors.js';
import { byCodeUnits, canonicalEntries } from './layout.js';
import type { RecipientStanza } from '../crypto/recipients/types.js';
import { parseScope, scopeBinding, type ObjectIdentity, type Scope } from './scope.js';
import { isRecord } from '../is-record.js';
import { isPrintableSubject } from '../subject.js';

export const API_VERSION = 'gitseal.dev/v1';
export const KIND = 'EncryptedSecret';
export const ENVELOPE_VERSION = 1;
export const DOC_ID_LENGTH = 16;
export const FILE_ID_LENGTH = 16;
/** Top-level key that holds the encryption in a generic (non-Secret) file. */
export const GENERIC_KEY = 'gitseal';

export type Mode = 'secret' | 'generic';

/** Where a document stands in its file (schemas/FORMAT.md §2): bound by the MAC and the signature. */
export interface FileBinding {
  /** 16 random bytes shared by every document of one file. */
  readonly fileId: Uint8Array;
  /** The document id of the document before this one; null for the first. */
  readonly after: Uint8Array | null;
  /** True for the file's last document. */
  readonly last: boolean;
}

/** A writer's signature as the file carries it (schemas/FORMAT.md §13). */
export interface DocumentSignature {
  /** The writer key's kid, `w-` and 16 hex digits. */
  readonly kid: string;
  /** Who the writer says sealed the document: the key's owner, or the subject the rewrap service signed for. */
  readonly subject: string;
  readonly bytes: Uint8Array;
}

export interface Envelope {
  readonly version: 1;
  readonly docId: Uint8Array;
  readonly file: FileBinding;
  readonly recipients: readonly RecipientStanza[];
  readonly mac: Uint8Array;
  readonly signature?: DocumentSignature | undefined;
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
  file: string;
  after: string;
  last: boolean;
  recipients: RecipientStanza[];
  mac: string;
  signature?: string;
}

/** `after` of a file's first document. */
export const FIRST_IN_FILE = 'start';
/** A writer key's kid (schemas/FORMAT.md §13). */
export const WRITER_KID = /^w-[0-9a-f]{16}$/;

export const signatureToDisk = (s: DocumentSignature): string => `${s.kid}.${b64url(utf8(s.subject))}.${b64url(s.bytes)}`;

export function signatureFromDisk(text: string, where: string): DocumentSignature {
  const [kid, subject, bytes, ...rest] = text.split('.');
  if (rest.length || kid === undefined || !WRITER_KID.test(kid) || !subject || !bytes) fail('E_FORMAT', `${where} signature is not "w-KID.SUBJECT.SIGNATURE"`);
  let name: string;
  try {
    name = fromUtf8(fromB64url(subject, `${where} signature subject`));
  } catch (e) {
    if (e instanceof TypeError) return fail('E_FORMAT', `${where} signature subject is not UTF-8`);
    throw e;
  }
  if (!isPrintableSubject(name)) fail('E_FORMAT', `${where} signature subject is not 1–256 printable characters`);
  return { kid, subject: name, bytes: fromB64url(bytes, `${where} signature`) };
}

export interface SealedPartOnDisk {
  scope: string;
  layout: string;
  encryptedData: Record<string, string>;
  envelope: EnvelopeOnDisk;
}

export function envelopeToDisk(env: Envelope): EnvelopeOnDisk {
  const disk: EnvelopeOnDisk = {
    version: env.version,
    id: b64url(env.docId),
    file: b64url(env.file.fileId),
    after: env.file.after ? b64url(env.file.after) : FIRST_IN_FILE,
    last: env.file.last,
    recipients: env.recipients.map((r) => ({ kid: r.kid, alg: r.alg, enc: r.enc, dek: r.dek })),
    mac: b64url(env.mac),
  };
  if (env.signature) disk.signature = signatureToDisk(env.signature);
  return disk;
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
  const after = str(env.after, `${where} envelope after`);
  if (typeof env.last !== 'boolean') fail('E_FORMAT', `${where} envelope last is missing or not true/false`);
  const file = {
    fileId: bytesOf(env.file, FILE_ID_LENGTH, `${where} envelope file`),
    after: after === FIRST_IN_FILE ? null : bytesOf(after, DOC_ID_LENGTH, `${where} envelope after`),
    last: env.last,
  };
  return {
    mode,
    identity,
    readable,
    scope: parseScope(sealedPart.scope),
    layout: str(sealedPart.layout, `${where} layout`),
    entries,
    envelope: {
      version: ENVELOPE_VERSION,
      docId: bytesOf(env.id, DOC_ID_LENGTH, `${where} envelope id`),
      file,
      recipients,
      mac: fromB64url(str(env.mac, `${where} mac`), `${where} mac`),
      signature: env.signature === undefined ? undefined : signatureFromDisk(str(env.signature, `${where} signature`), where),
    },
  };
}


function bytesOf(v: unknown, length: number, what: string): Uint8Array {
  const bytes = fromB64url(str(v, what), what);
  if (bytes.length !== length) fail('E_FORMAT', `${what} is ${bytes.length} bytes, not ${length}`);
  return bytes;
}
