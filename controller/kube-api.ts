/**
 * The Kubernetes calls the reconciler makes, over @kubernetes/client-node:
 * read, server-side apply and delete of Secrets, the status subresource of
 * EncryptedSecrets, and Events. Everything else goes through informers.
 */
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, V1MicroTime, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { SecretObject } from './desired-secret.js';
import { GROUP, KIND, PLURAL, VERSION, type EncryptedSecretObject, type EncryptedSecretStatus } from './encrypted-secret.js';

export const FIELD_MANAGER = 'gitseal';

export interface KubeApi {
  getSecret(namespace: string, name: string): Promise<SecretObject | null>;
  /** Server-side apply as the `gitseal` field manager, forcing ownership of the fields it sets. */
  applySecret(secret: SecretObject): Promise<SecretObject>;
  /** Creates the Secret; null when one of that name already exists (the caller then looks at it). */
  createSecret(secret: SecretObject): Promise<SecretObject | null>;
  /** Deletes the Secret with this uid only (a precondition), for replacing an immutable one. */
  deleteSecret(namespace: string, name: string, uid: string): Promise<void>;
  patchStatus(cr: EncryptedSecretObject, status: EncryptedSecretStatus): Promise<void>;
  event(cr: EncryptedSecretObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

const notFound = (e: unknown): boolean => e instanceof ApiException && e.code === 404;

export function kubeApi(kc: KubeConfig, component = 'gitseal-controller'): KubeApi {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return {
    async getSecret(namespace, name) {
      try {
        return (await core.readNamespacedSecret({ namespace, name })) as unknown as SecretObject;
      } catch (e) {
        if (notFound(e)) return null;
        throw e;
      }
    },
    async applySecret(secret) {
      const body = secret as unknown as V1Secret;
      const out = await core.patchNamespacedSecret({ namespace: secret.metadata.namespace, name: secret.metadata.name, body, fieldManager: FIELD_MANAGER, force: true }, apply);
      return out as unknown as SecretObject;
    },
    async createSecret(secret) {
      try {
        return (await core.createNamespacedSecret({ namespace: secret.metadata.namespace, body: secret as unknown as V1Secret, fieldManager: FIELD_MANAGER })) as unknown as SecretObject;
      } catch (e) {
        if (e instanceof ApiException && e.code === 409) return null;
        throw e;
      }
    },
    async deleteSecret(namespace, name, uid) {
      try {
        await core.deleteNamespacedSecret({ namespace, name, body: { preconditions: { uid } } });
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    },
    async patchStatus(cr, status) {
      await custom.patchNamespacedCustomObjectStatus(
        { group: GROUP, version: VERSION, plural: PLURAL, namespace: cr.metadata.namespace ?? '', name: cr.metadata.name, body: { status }, fieldManager: FIELD_MANAGER },
        merge,
      );
    },
    async event(cr, type, reason, message) {
      const now = new Date();
      const namespace = cr.metadata.namespace ?? 'default';
      await core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${cr.metadata.name}.`, namespace },
          involvedObject: { apiVersion: `${GROUP}/${VERSION}`, kind: KIND, name: cr.metadata.name, namespace, uid: cr.metadata.uid, resourceVersion: cr.metadata.resourceVersion },
          type,
          reason,
          message,
          source: { component },
          reportingComponent: component,
          reportingInstance: process.env.HOSTNAME ?? component,
          action: type === 'Normal' ? 'Apply' : 'Decrypt',
          firstTimestamp: now,
          lastTimestamp: now,
          eventTime: new V1MicroTime(now),
          count: 1,
        },
      });
    },
  };
}
