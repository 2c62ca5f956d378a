/** Test helpers: real @kubernetes/client-node clients pointed at a double, and small waiting/asserting tools. */
import {
  ApiException,
  ApiextensionsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  setHeaderOptions,
  type ConfigurationOptions,
} from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiDouble } from './api-double.js';

export interface Clients {
  kc: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  coordination: CoordinationV1Api;
  events: EventsV1Api;
  apiext: ApiextensionsV1Api;
}

export function clientsFor(api: ApiDouble, user?: string): Clients {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig(user ? { user } : {}));
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    coordination: kc.makeApiClient(CoordinationV1Api),
    events: kc.makeApiClient(EventsV1Api),
    apiext: kc.makeApiClient(ApiextensionsV1Api),
  };
}

/** Options that send the body with the given patch content type. */
export const as = (contentType: string): ConfigurationOptions => setHeaderOptions('Content-Type', contentType);

export interface StatusBody {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; kind?: string; group?: string; causes?: { reason: string; message: string; field?: string }[] };
}

/** Runs fn, expecting an ApiException; returns its code and parsed Status body. */
export async function failure(fn: () => Promise<unknown>): Promise<StatusBody> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const body: unknown = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return body as StatusBody;
  }
  throw new Error('expected the call to fail');
}

export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 3000): Promise<NonNullable<T>> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const b64 = (s: string): string => Buffer.from(s).toString('base64');

export const ENCRYPTED_SECRETS_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'encryptedsecrets.gitseal.dev' },
  spec: {
    group: 'gitseal.dev',
    scope: 'Namespaced',
    names: { plural: 'encryptedsecrets', singular: 'encryptedsecret', kind: 'EncryptedSecret', shortNames: ['esec'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  envelope: { type: 'string' },
                  recipients: { type: 'array', items: { type: 'string' } },
                  template: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  replicas: { type: 'integer', default: 1 },
                },
              },
              status: {
                type: 'object',
                properties: {
                  observedGeneration: { type: 'integer' },
                  conditions: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['type'],
                    items: {
                      type: 'object',
                      required: ['type', 'status'],
                      properties: {
                        type: { type: 'string' },
                        status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
                        reason: { type: 'string' },
                        message: { type: 'string' },
                        lastTransitionTime: { type: 'string', format: 'date-time' },
                        observedGeneration: { type: 'integer' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

/**
 * Installs a CRD given in wire JSON. (Through ApiextensionsV1Api the typed model would silently drop
 * `default`, `enum` and every `x-kubernetes-*` key: it only knows `_default`, `x_kubernetes_list_type`, ...)
 */
export function installCrd(c: Clients, crd: Record<string, unknown>): Promise<unknown> {
  return c.custom.createClusterCustomObject({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', body: crd });
}

export const ES = { group: 'gitseal.dev', version: 'v1', plural: 'encryptedsecrets' };

/** A self-signed P-256 certificate for 127.0.0.1 (via openssl), for the double's tls option. */
export function selfSignedCert(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'api-double-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
