/**
 * The Kubernetes calls the reconciler makes (kube-rest.ts): read,
 * server-side apply and delete of Secrets, the status subresource of
 * EncryptedSecrets, and Events. Everything else goes through informers.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { SecretObject } from './desired-secret.js';
import { isStatus, kubeRest } from './kube-rest.js';
import { FIELD_MANAGER, foldLegacyEntry } from './managed-fields.js';
import { GROUP, KIND, PLURAL, VERSION, type EncryptedSecretObject, type EncryptedSecretStatus } from './encrypted-secret.js';


export interface KubeApi {
  getSecret(namespace: string, name: string): Promise<SecretObject | null>;
  getEncryptedSecret(namespace: string, name: string): Promise<EncryptedSecretObject | null>;
  /** Server-side apply as the `gitseal` field manager, forcing ownership of the fields it sets. */
  applySecret(secret: SecretObject): Promise<SecretObject>;
  /**
   * Folds the controller's legacy `Update` managedFields entry into its Apply
   * entry (JSON patch, guarded by resourceVersion), so the next apply prunes
   * what Git removed. Reads the Secret first: the caches keep only our entries.
   */
  takeOverLegacyFields(namespace: string, name: string): Promise<void>;
  /** Deletes the Secret with this uid only (a precondition), for replacing an immutable one. */
  deleteSecret(namespace: string, name: string, uid: string): Promise<void>;
  /** Replaces the status `cr` holds (a field it has and `status` lacks is removed). */
  patchStatus(cr: EncryptedSecretObject, status: EncryptedSecretStatus): Promise<void>;
  event(cr: EncryptedSecretObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

const enc = encodeURIComponent;
const secretPath = (namespace: string, name: string): string => `/api/v1/namespaces/${enc(namespace)}/secrets/${enc(name)}`;
const crPath = (namespace: string, name: string): string => `/apis/${GROUP}/${VERSION}/namespaces/${enc(namespace)}/${PLURAL}/${enc(name)}`;

/** RFC 3339 with seconds (metav1.Time) and with microseconds (metav1.MicroTime). */
const seconds = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
const micro = (d: Date): string => `${d.toISOString().slice(0, 23)}000Z`;

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (isStatus(e, 404)) return null;
    throw e;
  }
}

export function kubeApi(kc: KubeConfig, component = 'gitseal-controller'): KubeApi {
  const rest = kubeRest(kc);
  return {
    getSecret: (namespace, name) => rest.getOrNull<SecretObject>(secretPath(namespace, name)),
    getEncryptedSecret: (namespace, name) => rest.getOrNull<EncryptedSecretObject>(crPath(namespace, name)),
    applySecret: (secret) =>
      rest.call<SecretObject>('PATCH', secretPath(secret.metadata.namespace, secret.metadata.name), {
        query: { fieldManager: FIELD_MANAGER, force: 'true' },
        body: secret,
        contentType: 'application/apply-patch+yaml',
      }),
    async takeOverLegacyFields(namespace, name) {
      const live = await rest.call<SecretObject>('GET', secretPath(namespace, name));
      const folded = foldLegacyEntry(live.metadata.managedFields ?? []);
      if (!folded) return;
      const body = [
        { op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion },
        { op: 'replace', path: '/metadata/managedFields', value: folded },
      ];
      await rest.send('PATCH', secretPath(namespace, name), { body, contentType: 'application/json-patch+json' });
    },
    async deleteSecret(namespace, name, uid) {
      await orNull(rest.send('DELETE', secretPath(namespace, name), { body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } } }));
    },
    async patchStatus(cr, status) {
      // A merge patch keeps what it does not name: a field the new status drops (writer) is sent as null.
      const dropped = Object.keys(cr.status ?? {}).filter((k) => !(k in status));
      await rest.send('PATCH', `${crPath(cr.metadata.namespace ?? '', cr.metadata.name)}/status`, {
        query: { fieldManager: FIELD_MANAGER },
        body: { status: { ...status, ...Object.fromEntries(dropped.map((k) => [k, null])) } },
        contentType: 'application/merge-patch+json',
      });
    },
    async event(cr, type, reason, message) {
      const now = new Date();
      const namespace = cr.metadata.namespace ?? 'default';
      await rest.send('POST', `/api/v1/namespaces/${enc(namespace)}/events`, {
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: `${cr.metadata.name}.`, namespace },
          involvedObject: { apiVersion: `${GROUP}/${VERSION}`, kind: KIND, name: cr.metadata.name, namespace, uid: cr.metadata.uid, resourceVersion: cr.metadata.resourceVersion },
          type,
          reason,
          message,
          source: { component },
          reportingComponent: component,
          reportingInstance: process.env.HOSTNAME ?? component,
          action: type === 'Normal' ? 'Apply' : 'Decrypt',
          firstTimestamp: seconds(now),
          lastTimestamp: seconds(now),
          eventTime: micro(now),
          count: 1,
        },
      });
    },
  };
}
