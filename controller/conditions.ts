/**
 * The conditions of an EncryptedSecret (docs/ARCHITECTURE.md#the-controller)
 * and the pure decision whether a status write is needed: a status is written
 * only when what it says changes, so a resync does not touch the API.
 *
 * Ready says whether the Secret is current. For kstatus (Flux's health
 * checks, `kubectl wait`, Argo CD): a refusal that retrying cannot fix also
 * sets Stalled=True, so a deployment fails at once instead of waiting out its
 * timeout; a temporary failure sets Reconciling=True while the controller
 * retries. Neither is present once the Secret is written.
 */
import type { ErrorCode } from '../core/errors.js';
import type { Condition, EncryptedSecretObject, EncryptedSecretStatus } from './encrypted-secret.js';

export const REASONS = {
  Decrypted: 'the Secret is written and current',
  RewrapDenied: 'the rewrap service refuses this object (policy, credentials or key)',
  RewrapUnavailable: 'the rewrap service or its root of trust is not available; the Secret is left as it was',
  ScopeMismatch: "the object's namespace or name is not the one it was encrypted for",
  Tampered: 'the encrypted object was modified',
  SecretNotOwned:
    'a Secret of this name exists and was not made by gitseal; to hand it over, its owner annotates the Secret gitseal.dev/adopt-by: NAME (this EncryptedSecret\'s name), and it is then never deleted with the EncryptedSecret',
  Unsigned: "the document is not signed, and this controller requires a trusted writer's signature (its trust file)",
  UntrustedWriter: 'the document is signed by a writer this controller (or the rewrap service) does not trust for it',
  Invalid: 'the object is not a valid EncryptedSecret or the Secret inside is not valid',
  SecretRefused: 'the Kubernetes API server refused to write the Secret (RBAC, an admission webhook or a quota); see the controller log',
  ApiUnavailable: 'the Kubernetes API server did not take the write (no answer, 5xx, 409 or 429); the Secret is left as it was',
} as const;
export type Reason = keyof typeof REASONS;

/** Failures as condition reasons. */
export function reasonOf(code: ErrorCode | string): Exclude<Reason, 'Decrypted'> {
  switch (code) {
    case 'E_DENIED':
    case 'E_AUTH':
    case 'E_KEY_REVOKED':
    case 'E_NO_KEY':
      return 'RewrapDenied';
    case 'E_SERVER':
    case 'E_RATE_LIMITED':
    case 'E_ROOT_REVOKED':
    case 'E_ROOT':
      return 'RewrapUnavailable';
    case 'E_SCOPE':
      return 'ScopeMismatch';
    case 'E_TAMPERED':
      return 'Tampered';
    case 'E_UNSIGNED':
      return 'Unsigned';
    case 'E_UNTRUSTED_WRITER':
      return 'UntrustedWriter';
    case 'SecretNotOwned':
      return 'SecretNotOwned';
    default:
      return 'Invalid';
  }
}

/** Failures worth retrying soon; the others wait for the object to change (with a slow backoff meanwhile). */
export const transient = (reason: Reason): boolean => reason === 'RewrapUnavailable' || reason === 'ApiUnavailable';

const OWN_CONDITIONS = ['Ready', 'Stalled', 'Reconciling'];

/**
 * The status for this reconcile's outcome. `writer` names the trusted writer of the document a written Secret
 * now holds; a refusal keeps the previous one, as it keeps the last sync, since the Secret is left as it was.
 */
export function readyStatus(cr: EncryptedSecretObject, reason: Reason, message: string, now: Date, writer?: string): EncryptedSecretStatus {
  const ok = reason === 'Decrypted';
  const generation = cr.metadata.generation ?? 0;
  const previous = cr.status?.conditions?.find((c) => c.type === 'Ready');
  const status: Condition['status'] = ok ? 'True' : 'False';
  const ready: Condition = {
    type: 'Ready',
    status,
    reason,
    message,
    // Kept when the status itself does not change, as Kubernetes conventions ask.
    lastTransitionTime: previous?.status === status ? previous.lastTransitionTime : now.toISOString(),
    observedGeneration: generation,
  };
  const previousOf = (type: string) => cr.status?.conditions?.find((c) => c.type === type);
  const held = ok ? writer : cr.status?.writer;
  const kstatus: Condition[] = ok
    ? []
    : [transient(reason) ? 'Reconciling' : 'Stalled'].map((type) => ({
        type,
        status: 'True' as const,
        reason,
        message,
        lastTransitionTime: previousOf(type)?.status === 'True' ? previousOf(type)!.lastTransitionTime : now.toISOString(),
        observedGeneration: generation,
      }));
  return {
    observedGeneration: generation,
    conditions: [...(cr.status?.conditions ?? []).filter((c) => !OWN_CONDITIONS.includes(c.type)), ready, ...kstatus],
    ...(ok ? { secretName: cr.metadata.name, lastSyncTime: now.toISOString() } : cr.status?.secretName ? { secretName: cr.status.secretName } : {}),
    ...(!ok && cr.status?.lastSyncTime ? { lastSyncTime: cr.status.lastSyncTime } : {}),
    ...(held ? { writer: held } : {}),
  };
}

/** True when `next` says something `current` does not (sync times alone do not count). */
export function statusChanged(current: EncryptedSecretStatus | undefined, next: EncryptedSecretStatus): boolean {
  const ready = (s: EncryptedSecretStatus | undefined) => s?.conditions?.find((c) => c.type === 'Ready');
  const a = ready(current);
  const b = ready(next);
  return (
    current?.observedGeneration !== next.observedGeneration ||
    a?.status !== b?.status ||
    a?.reason !== b?.reason ||
    a?.message !== b?.message ||
    a?.observedGeneration !== b?.observedGeneration ||
    current?.secretName !== next.secretName ||
    current?.writer !== next.writer
  );
}
