/**
 * One reconcile of one EncryptedSecret (docs/ARCHITECTURE.md#the-controller):
 * check who wrote it against the trusted writers, open its envelope through
 * the rewrap service, decrypt, build the Secret, and write it only when the
 * live one differs. Every exit records the Ready condition. A Secret is never
 * deleted or blanked because something failed; the only delete replaces an
 * immutable Secret whose new content is already in hand.
 */
import { wipe } from '../core/bytes.js';
import { isGitsealError } from '../core/errors.js';
import { openDocument } from '../core/format/seal.js';
import type { UnwrapResult } from '../kms/client/client.js';
import type { Logger } from '../runtime/log.js';
import type { RewrapItem, WireCode } from '../kms/protocol/types.js';
import { readyStatus, REASONS, reasonOf, statusChanged, type Reason } from './conditions.js';
import { adoptedBy, asAdopted, desiredSecret, ownedBy, sameSecret, type SecretObject } from './desired-secret.js';
import { documentOf, rewrapItemOf, type EncryptedSecretObject } from './encrypted-secret.js';
import type { KubeApi } from './kube-api.js';
import { KubeStatusError } from './kube-rest.js';
import { hasLegacyEntry } from './managed-fields.js';
import { writerVerdict, type WriterTrust } from './writer-trust.js';

export interface ReconcilerDeps {
  api: KubeApi;
  unwrap(item: RewrapItem): Promise<UnwrapResult>;
  /** Kids of the org keys the rewrap service holds; throws a GitsealError when it cannot be asked. */
  serviceKids(): Promise<ReadonlySet<string>>;
  /** The EncryptedSecret as the informer caches it: metadata and status, no spec. */
  getCr(namespace: string, name: string): EncryptedSecretObject | undefined;
  /** The whole EncryptedSecret (with the spec its latest watch event brought, or read from the API server); null when it is gone. */
  readCr(namespace: string, name: string): Promise<EncryptedSecretObject | null>;
  /** The live Secret from the informer of managed Secrets, when it is there. */
  getManagedSecret(namespace: string, name: string): SecretObject | undefined;
  /** The writers trusted now (writer-trust.ts); null without a trust file: signatures are then not looked at. */
  trust(): WriterTrust | null;
  log: Logger;
  now(): Date;
}

export interface Outcome {
  result: 'applied' | 'unchanged' | 'error' | 'gone';
  reason?: Reason;
  /** The resourceVersion of the Secret this reconcile wrote, so its own watch event is not taken for drift. */
  written?: string;
  /** The generation the Secret now reflects. */
  generation?: number;
}

/** The system error code of a failed connection (ECONNREFUSED, ETIMEDOUT, …), which says why without quoting anything. */
function errnoOf(e: unknown): { code?: string } {
  const code = (e as { code?: unknown; cause?: { code?: unknown } } | null)?.code ?? (e as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? { code } : {};
}

class Refusal extends Error {
  constructor(readonly reason: Exclude<Reason, 'Decrypted'>, message: string) {
    super(message);
  }
}

function refuse(reason: Exclude<Reason, 'Decrypted'>, message: string): never {
  throw new Refusal(reason, message);
}

/**
 * Messages from the format and the service carry no secret (core/errors.ts); keep them. The API server's
 * own messages may quote what it was sent: only its status code and reason go on the condition.
 */
function refusalOf(e: unknown): Refusal {
  if (e instanceof Refusal) return e;
  if (isGitsealError(e)) return new Refusal(reasonOf(e.code), e.message);
  if (e instanceof KubeStatusError) {
    const what = `HTTP ${e.code}${e.reason ? ` ${e.reason}` : ''}`;
    return RETRIED_STATUS(e.code) ? new Refusal('ApiUnavailable', `the API server answered ${what}; retrying`) : new Refusal('SecretRefused', `the API server refused the write: ${what}`);
  }
  if (errnoOf(e).code || (e instanceof Error && e.name.startsWith('Undici'))) return new Refusal('ApiUnavailable', 'the API server could not be reached; retrying');
  return new Refusal('RewrapUnavailable', 'an unexpected error; see the controller log');
}

/** Answers worth retrying: the server's trouble, not a refusal of what was sent. */
const RETRIED_STATUS = (code: number): boolean => code >= 500 || code === 408 || code === 409 || code === 429;

/**
 * The service's refusals about the writer (it checks signatures where its policy requires them) as the same
 * reasons the controller's own check gives. By wire code: the client maps writer_denied to E_DENIED, which
 * alone would read as RewrapDenied.
 */
const WRITER_REFUSALS: Readonly<Partial<Record<WireCode, Exclude<Reason, 'Decrypted'>>>> = {
  unsigned: 'Unsigned',
  untrusted_writer: 'UntrustedWriter',
  writer_denied: 'UntrustedWriter',
  bad_signature: 'Tampered',
};

interface Decrypted {
  secret: SecretObject;
  /** The trusted writer, `NAME (w-KID)`. */
  writer?: string;
  /** Why the document was written though no trusted writer signed it. */
  warning?: { reason: Reason; message: string };
}

async function decrypt(cr: EncryptedSecretObject, deps: ReconcilerDeps): Promise<Decrypted> {
  const doc = documentOf(cr);
  // Before the service is asked: a document the trusted writers did not sign gets no DEK when signatures are required.
  // Only a signature by a trusted key needs verifying (ML-DSA, milliseconds in JavaScript): that runs while the
  // rewrap request is in flight, and a signature that fails then discards the DEK that came back.
  const trust = deps.trust();
  const sig = doc.envelope.signature;
  const costly = trust !== null && sig !== undefined && trust.writers.some((w) => w.key.kid === sig.kid);
  let verdict = trust && !costly ? writerVerdict(doc, trust) : { ok: true as const };
  if (!verdict.ok) refuse(verdict.reason, verdict.message);
  const kids = await deps.serviceKids();
  const item = rewrapItemOf(doc, kids) ?? refuse('RewrapDenied', `the rewrap service holds none of the org keys this object is for (${doc.envelope.recipients.map((r) => r.kid).join(', ')})`);
  const pending = deps.unwrap(item);
  if (costly) {
    await new Promise<void>((next) => setImmediate(next)); // the batcher sends the request first
    verdict = writerVerdict(doc, trust);
    if (!verdict.ok) {
      void pending.then((late) => late.ok && wipe(late.dek));
      refuse(verdict.reason, verdict.message);
    }
  }
  const r = await pending;
  if (!r.ok) {
    // The envelope binds namespace/name through the scope: when it does not open, the object was moved.
    if (r.wire === 'tampered') refuse('ScopeMismatch', `the key envelope does not open for ${item.scope}: the object's namespace or name is not the one it was encrypted for`);
    refuse(WRITER_REFUSALS[r.wire] ?? reasonOf(r.code), r.message);
  }
  try {
    return { secret: desiredSecret(cr, openDocument(doc, r.dek)), ...(verdict.writer ? { writer: verdict.writer } : {}), ...(verdict.warning ? { warning: verdict.warning } : {}) };
  } finally {
    wipe(r.dek);
  }
}

/**
 * Every write, the first one included, is a server-side apply by one field
 * manager, so keys, labels and annotations removed in Git leave the Secret.
 * A Secret the managed-Secrets cache does not know is read first: one of that
 * name that gitseal does not own must not be taken over by the apply, unless
 * the Secret itself consents (adoptedBy); nothing on the CR can: whoever may
 * create EncryptedSecrets could then overwrite any Secret of the namespace.
 */
async function write(cr: EncryptedSecretObject, built: SecretObject, deps: ReconcilerDeps): Promise<{ written?: string }> {
  const { namespace, name } = built.metadata;
  const live = deps.getManagedSecret(namespace, name) ?? (await deps.api.getSecret(namespace, name)) ?? undefined;
  if (live && !ownedBy(live, cr)) refuse('SecretNotOwned', REASONS.SecretNotOwned);
  const desired = live && adoptedBy(live, cr) ? asAdopted(built, cr) : built;
  if (live && sameSecret(live, desired, cr)) return {};
  if (live?.immutable && live.metadata.uid) {
    await deps.api.deleteSecret(namespace, name, live.metadata.uid);
    deps.log('info', 'replacing an immutable Secret', { namespace, name });
  } else if (live && hasLegacyEntry(live.metadata.managedFields)) {
    await deps.api.takeOverLegacyFields(namespace, name);
    deps.log('info', 'took over the fields an earlier version created', { namespace, name });
  }
  const out = await deps.api.applySecret(desired);
  return out.metadata.resourceVersion ? { written: out.metadata.resourceVersion } : {};
}

export async function reconcile(namespace: string, name: string, deps: ReconcilerDeps): Promise<Outcome> {
  const cached = deps.getCr(namespace, name);
  if (!cached || cached.metadata.deletionTimestamp) return { result: 'gone' };
  const cr = await deps.readCr(namespace, name);
  if (!cr || cr.metadata.deletionTimestamp) return { result: 'gone' };
  const previous = cr.status?.conditions?.find((c) => c.type === 'Ready');
  let outcome: Outcome;
  let message: string;
  let decrypted: Decrypted | undefined;
  try {
    decrypted = await decrypt(cr, deps);
    const { written } = await write(cr, decrypted.secret, deps);
    outcome = { result: written ? 'applied' : 'unchanged', reason: 'Decrypted', ...(written ? { written } : {}), ...(cr.metadata.generation !== undefined ? { generation: cr.metadata.generation } : {}) };
    message = written ? `Secret ${name} written` : `Secret ${name} is current`;
  } catch (e) {
    const r = refusalOf(e);
    if (!(e instanceof Refusal) && !isGitsealError(e))
      deps.log('error', 'reconcile failed', { namespace, name, error: e instanceof Error ? e.name : 'error', ...(e instanceof KubeStatusError ? { status: e.code, reason: e.reason } : errnoOf(e)) });
    outcome = { result: 'error', reason: r.reason };
    message = r.message;
  }
  const reason = outcome.reason!;
  const warning = outcome.result === 'error' ? undefined : decrypted?.warning;
  const readyMessage = reason !== 'Decrypted' ? message : warning ? `${REASONS.Decrypted}; ${warning.message}` : REASONS.Decrypted;
  const next = readyStatus(cr, reason, readyMessage, deps.now(), decrypted?.writer);
  if (statusChanged(cr.status, next)) await deps.api.patchStatus(cr, next);
  // Events are best effort and must not hold up the next reconcile.
  if (outcome.result === 'applied') void deps.api.event(cr, 'Normal', 'Decrypted', message).catch(() => {});
  else if (outcome.result === 'error' && previous?.reason !== reason) void deps.api.event(cr, 'Warning', reason, message).catch(() => {});
  // Once per generation: when it is first decrypted (a resync, a restart or a repaired Secret does not warn again).
  const firstForGeneration = !(previous?.status === 'True' && previous.observedGeneration === cr.metadata.generation);
  if (warning && firstForGeneration) void deps.api.event(cr, 'Warning', warning.reason, warning.message).catch(() => {});
  return outcome;
}
