/**
 * What each recording assumes beyond its own exchanges: the namespaces
 * and objects that existed before it started, the CRD, the writes that
 * happened while a watch was open (the watch events show them), and the
 * server-side happenings (etcd compaction, restarts) reproduced with the
 * double's hooks. Exchanges the double cannot reproduce are skipped here,
 * each with its reason.
 */
import type { ApiDoubleOptions } from '../api-double.js';

export interface Write {
  method: 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: string;
  contentType?: string;
  body?: unknown;
}

/** compact: etcd compaction and a restarted watch cache; compactStorage: etcd compaction only. */
export type Hook = 'compact' | 'compactStorage' | 'dropWatches' | 'abortWatches';

export type Action = { write: Write } | { hook: Hook };

export interface Step {
  /** Not replayed: why the double cannot show what the recording shows. */
  skip?: string;
  before?: Action[];
  /** For a watch: what happened while it was open (made once the double has the watch). */
  during?: Action[];
  /** For a watch the recording saw end with a server stop: the hook that stops it once its events are in. */
  stop?: 'dropWatches' | 'abortWatches';
}

export interface Plan {
  namespaces: string[];
  /** The recording's custom resources need the EncryptedSecret CRD (as crd-install.json installed it, not today's schemas/encryptedsecret.crd.yaml). */
  crd: boolean;
  options?: ApiDoubleOptions;
  /** Objects that existed before the recording started. */
  seed?: Write[];
  /** After the exchanges, replay the recording's kubectl runs (kubectlOutput). */
  kubectl?: boolean;
  steps?: Record<number, Step>;
}

const MERGE = 'application/merge-patch+json';

const secrets = (ns: string): string => `/api/v1/namespaces/${ns}/secrets`;

function newSecret(ns: string, name: string, k: string, labels?: Record<string, string>, fieldManager?: string): Write {
  return {
    method: 'POST',
    path: secrets(ns),
    ...(fieldManager ? { query: `fieldManager=${fieldManager}` } : {}),
    contentType: 'application/json',
    body: { apiVersion: 'v1', kind: 'Secret', metadata: { name, ...(labels ? { labels } : {}) }, data: { k } },
  };
}

const createSecret = (...args: Parameters<typeof newSecret>): Action => ({ write: newSecret(...args) });

const patchSecret = (ns: string, name: string, body: unknown): Action => ({ write: { method: 'PATCH', path: `${secrets(ns)}/${name}`, contentType: MERGE, body } });
const deleteSecret = (ns: string, name: string): Action => ({ write: { method: 'DELETE', path: `${secrets(ns)}/${name}` } });

/** A write to nothing the recording watches: the server's own writes (leases) that advanced its resourceVersion. */
const serverWrite: Action = {
  write: { method: 'POST', path: '/api/v1/namespaces/kube-system/configmaps', contentType: 'application/json', body: { metadata: { generateName: 'server-write-' } } },
};

export const PLANS: Record<string, Plan> = {
  'crd-install': {
    namespaces: [],
    crd: false,
    steps: {
      1: {
        skip:
          'the real server establishes a CRD asynchronously and this GET raced it (still unestablished); the double establishes it at once, right after the POST answered, so clients can use it immediately (the POST answer and the later GET are compared)',
      },
    },
  },
  'cr-map-key-order': { namespaces: ['gitseal-demo'], crd: true, kubectl: true },
  'cr-generation-status': { namespaces: ['gitseal-demo'], crd: true },
  events: { namespaces: ['gitseal-demo'], crd: false },
  lease: { namespaces: ['lease-demo'], crd: false },
  'ownerref-no-gc': {
    namespaces: ['gitseal-demo'],
    crd: true,
    // Recorded without kube-controller-manager: nothing is garbage-collected.
    options: { controllers: false },
  },
  'secret-create-then-apply': { namespaces: ['secrets-demo'], crd: false },
  'secret-validation': { namespaces: ['secrets-demo'], crd: false },
  'watch-stream': {
    namespaces: ['watch-demo'],
    crd: false,
    seed: [1, 2, 3].map((i) => newSecret('watch-demo', `w-${i}`, Buffer.from(`v${i}`).toString('base64'), { app: 'demo' })),
    steps: {
      3: {
        during: [
          createSecret('watch-demo', 'w-4', 'djQ=', { app: 'demo' }, 'gitseal'),
          patchSecret('watch-demo', 'w-4', { data: { k: 'djQtY2hhbmdlZA==' } }),
          deleteSecret('watch-demo', 'w-4'),
        ],
      },
      6: {
        during: [
          createSecret('watch-demo', 'w-5', 'djU=', { tier: 'front' }),
          patchSecret('watch-demo', 'w-5', { metadata: { labels: { tier: 'back' } } }),
          patchSecret('watch-demo', 'w-5', { data: { k: 'dW5zZWVu' } }),
          patchSecret('watch-demo', 'w-5', { metadata: { labels: { tier: 'front' } } }),
        ],
      },
      // "etcd compacted at its current revision": lists at older versions are gone, the watch cache is not.
      13: { before: [{ hook: 'compactStorage' }] },
      // Recorded after a kube-apiserver restart: its new watch cache starts at the current version.
      20: { before: [{ hook: 'compact' }] },
    },
  },
  'watch-across-restart': {
    namespaces: ['restart-demo'],
    crd: false,
    steps: {
      // SIGTERM: the watch gets a last BOOKMARK and ends cleanly.
      0: { during: [createSecret('restart-demo', 'before-sigterm', 'dg==')], stop: 'dropWatches' },
      // Restarted after the server wrote something more: the last seen version is older than the new watch cache.
      1: { before: [serverWrite, { hook: 'compact' }], during: [createSecret('restart-demo', 'after-sigterm', 'dg==')] },
      // SIGKILL: the connection is cut.
      2: { during: [createSecret('restart-demo', 'before-sigkill', 'dg==')], stop: 'abortWatches' },
      // Restarted with nothing written since: the last seen version is still served.
      3: { before: [{ hook: 'compact' }], during: [createSecret('restart-demo', 'after-sigkill', 'dg==')] },
    },
  },
};
