/**
 * The Kubernetes calls the reconciler makes, over @kubernetes/client-node:
 * read, server-side apply and delete of Secrets, the status subresource of
 * EncryptedSecrets, and Events. Everything else goes through informers.
 */
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, V1MicroTime, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { SecretObject } from './desired-secret.js';
import { FIELD_MANAGER, foldLegacyEntry, type ManagedFieldsEntry } from './managed-fields.js';
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
  patchStatus(cr: EncryptedSecretObject, status: EncryptedSecretStatus): Promise<void>;
  event(cr: EncryptedSecretObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

const notFound = (e: unknown): boolean => e instanceof ApiException && e.code === 404;

export function kubeApi(kc: KubeConfig, component = 'gitseal-controller'): KubeApi {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
  return {
    async getSecret(namespace, name) {
      try {
        return (await core.readNamespacedSecret({ namespace, name })) as unknown as SecretObject;
      } catch (e) {
        if (notFound(e)) return null;
        throw e;
      }
    },
    async getEncryptedSecret(namespace, name) {
      try {
        return (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace, name })) as EncryptedSecretObject;
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
    async takeOverLegacyFields(namespace, name) {
      const live = await core.readNamespacedSecret({ namespace, name });
      const folded = foldLegacyEntry((live.metadata?.managedFields ?? []) as ManagedFieldsEntry[]);
      if (!folded) return;
      const body = [
        { op: 'test', path: '/metadata/resourceVersion', value: live.metadata?.resourceVersion },
        { op: 'replace', path: '/metadata/managedFields', value: folded },
      ];
      await core.patchNamespacedSecret({ namespace, name, body }, jsonPatch);
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
