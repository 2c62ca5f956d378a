/**
 * What a controller test runs against: the Kubernetes API double with the
 * EncryptedSecret CRD, a real rewrap service on loopback (its root an AWS
 * KMS double, so the kill switch can be thrown), a rewrap client signed as
 * the controller, and helpers to make EncryptedSecrets with the real format.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { parseRecipient } from '../../core/crypto/recipients/index.js';
import { encryptStream } from '../../core/format/stream.js';
import type { DocumentSigner } from '../../core/format/signature.js';
import { loadSigningKey } from '../../kms/auth/request-signature.js';
import { RewrapClient } from '../../kms/client/client.js';
import type { Logger } from '../../runtime/log.js';
import { Controller, type ControllerOptions } from '../../controller/controller.js';
import { PooledKubeConfig } from '../../controller/pooled-kube-config.js';
import type { EncryptedSecretObject } from '../../controller/encrypted-secret.js';
import type { SecretObject } from '../../controller/desired-secret.js';
import { startAwsKmsDouble, type AwsKmsDouble } from '../doubles/aws-kms-double.js';
import { startApiDouble, type ApiDouble } from '../k8s/api-double.js';
import { ROOT } from './cli.js';
import { hasOptional } from './optional.js';
import { startTestService, type TestService } from './rewrap-service.js';

export const POLICY = `gitseal-policy: 1
rules:
  - subjects: ["dev:controller"]
    scopes: ["*"]
    operations: [rewrap]
`;

export interface ControllerEnv {
  k8s: ApiDouble;
  /** The service's root, so a test can pull the kill switch; absent where the optional AWS SDK is (the service then uses a passphrase root). */
  kms: { aws: AwsKmsDouble; key: string } | undefined;
  svc: TestService;
  kc: PooledKubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  client: RewrapClient;
  controllers: Controller[];
  logs: string[];
  /** A Secret manifest encrypted to the service's org key, signed by `signer` when given. */
  encrypt(manifest: string, opts?: { signer?: DocumentSigner }): EncryptedSecretObject;
  createCr(cr: EncryptedSecretObject): Promise<EncryptedSecretObject>;
  replaceCr(cr: EncryptedSecretObject): Promise<EncryptedSecretObject>;
  getCr(namespace: string, name: string): EncryptedSecretObject | undefined;
  getSecret(namespace: string, name: string): SecretObject | undefined;
  startController(extra?: Partial<ControllerOptions>): Promise<Controller>;
  close(): Promise<void>;
}

export const secretManifest = (ns: string, name: string, values: Record<string, string>, extra = ''): string =>
  `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${name}}
type: Opaque
${extra}stringData:
${Object.entries(values)
  .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
  .join('\n')}
`;

export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startControllerEnv(opts: { log?: Logger } = {}): Promise<ControllerEnv> {
  const k8s = await startApiDouble();
  const aws = hasOptional('@aws-sdk/client-kms') ? await startAwsKmsDouble() : undefined;
  const kms = aws && { aws, key: aws.createKey() };
  const svc = await startTestService({
    developers: ['controller'],
    policy: POLICY,
    ...(kms
      ? { root: `root: {type: aws-kms, keyId: "${kms.key}", region: ${kms.aws.region}, endpoint: "${kms.aws.endpoint}", checkInterval: 1}`, rootEnv: { ...kms.aws.env } }
      : {}),
  });
  const kc = new PooledKubeConfig();
  kc.loadFromString(k8s.kubeconfig());
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const crd = parse(readFileSync(join(ROOT, 'schemas', 'encryptedsecret.crd.yaml'), 'utf8')) as Record<string, unknown>;
  const { ApiextensionsV1Api } = await import('@kubernetes/client-node');
  await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd as never });
  for (const name of ['payments', 'billing', 'gitseal']) await core.createNamespace({ body: { metadata: { name } } });
  const client = new RewrapClient({
    server: svc.url,
    ca: readFileSync(svc.caFile),
    signingKey: { keyId: 'controller', privateKey: loadSigningKey(readFileSync(join(svc.dir, 'controller.pem'), 'utf8')).keyObject },
    retries: 0,
    timeoutMs: 5_000,
  });
  const recipient = parseRecipient(svc.recipient);
  const controllers: Controller[] = [];
  const logs: string[] = [];
  const log: Logger = opts.log ?? ((level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })));
  const env: ControllerEnv = {
    k8s,
    kms,
    svc,
    kc,
    core,
    custom,
    client,
    controllers,
    logs,
    encrypt: (manifest, { signer } = {}) => parse(encryptStream(manifest, { recipients: [recipient], scope: 'strict', signer })) as EncryptedSecretObject,
    createCr: async (cr) =>
      (await custom.createNamespacedCustomObject({ group: 'gitseal.dev', version: 'v1', plural: 'encryptedsecrets', namespace: cr.metadata.namespace!, body: cr })) as EncryptedSecretObject,
    // Like kubectl replace: the controller may write the status between our read and our write (409), so read again and retry.
    replaceCr: async (cr) => {
      for (let attempt = 1; ; attempt++) {
        const live = env.getCr(cr.metadata.namespace!, cr.metadata.name)!;
        const body = { ...cr, metadata: { ...live.metadata, ...cr.metadata, resourceVersion: live.metadata.resourceVersion } };
        try {
          return (await custom.replaceNamespacedCustomObject({ group: 'gitseal.dev', version: 'v1', plural: 'encryptedsecrets', namespace: cr.metadata.namespace!, name: cr.metadata.name, body })) as EncryptedSecretObject;
        } catch (e) {
          if (!(e instanceof ApiException && e.code === 409) || attempt === 5) throw e;
        }
      }
    },
    getCr: (ns, name) => k8s.get('gitseal.dev/v1', 'EncryptedSecret', ns, name) as EncryptedSecretObject | undefined,
    getSecret: (ns, name) => k8s.get('v1', 'Secret', ns, name) as SecretObject | undefined,
    startController: async (extra = {}) => {
      const c = new Controller({ kubeConfig: kc, client, log, workers: 8, ...extra });
      controllers.push(c);
      await c.start();
      return c;
    },
    close: async () => {
      for (const c of controllers) await c.stop().catch(() => {});
      client.close();
      await kc.closePool();
      await svc.close();
      await aws?.close();
      await k8s.close();
    },
  };
  return env;
}

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
