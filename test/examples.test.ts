/**
 * The manifests under examples/ that users copy: the kustomize base renders
 * (`kubectl kustomize examples/deploy`) into least-privilege, restricted,
 * probed and limited objects whose rewrap configuration the service itself
 * accepts; its RBAC grants every call the controller makes against the API
 * double; the Flux objects hang together; the alerts and the dashboard use
 * only the metric names the controller and the service export.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KEY_STATES } from '../kms/protocol/types.js';
import { parsePolicy } from '../kms/service/policy.js';
import { parseServiceConfig } from '../kms/service/service-config.js';
import { WIRE_CODES } from '../kms/protocol/types.js';
import { decodeTrustFile } from '../core/crypto/writer-file.js';
import { formatWriter, writerFromSecret } from '../core/crypto/writer-key.js';
import { PooledKubeConfig } from '../controller/pooled-kube-config.js';
import type { RequestRecord } from './k8s/api-double.js';
import { mergePatch, secretManifest, startControllerEnv, until } from './helpers/controller-env.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const DEPLOY = join(EXAMPLES, 'deploy');
const read = (...parts: string[]) => readFileSync(join(EXAMPLES, ...parts), 'utf8');
const docsOf = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as K8sObject).filter((d) => d !== null);

// A loose view of Kubernetes objects: the tests read what they check.
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };

const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** `kubectl kustomize examples/deploy` (HOME in a temporary folder, so no user configuration leaks in). */
function kustomize(): { status: number | null; stdout: string; stderr: string } {
  const home = mkdtempSync(join(tmpdir(), 'gitseal-kustomize-'));
  try {
    return spawnSync('kubectl', ['kustomize', DEPLOY], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home } });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Without kubectl: the listed resources and generated ConfigMaps, as kustomize would emit them here (every file names its namespace). */
function renderByHand(): K8sObject[] {
  const k = parse(read('deploy', 'base', 'kustomization.yaml')) as { namespace: string; resources: string[]; configMapGenerator: Array<{ name: string; files: string[] }> };
  const objects = k.resources.flatMap((f) => docsOf(read('deploy', 'base', f)));
  for (const g of k.configMapGenerator)
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name, namespace: k.namespace }, data: Object.fromEntries(g.files.map((f) => [f.split('/').pop()!, read('deploy', 'base', f)])) });
  return objects;
}

let rendered: K8sObject[] | undefined;
function deployObjects(): K8sObject[] {
  if (!rendered) {
    if (haveKubectl) {
      const r = kustomize();
      if (r.status !== 0) throw new Error(`kubectl kustomize failed: ${r.stderr}`);
      rendered = docsOf(r.stdout);
    } else rendered = renderByHand();
  }
  return rendered;
}
const find = (kind: string, name: string): K8sObject => {
  const o = deployObjects().find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
const ofKind = (kind: string) => deployObjects().filter((o) => o.kind === kind);
const initJob = () => docsOf(read('deploy', 'base', 'rewrap-init-job.yaml'))[0]!;

/** Everything that makes a pod fall short of the restricted Pod Security Standard as the examples promise it. */
function podProblems(name: string, pod: any): string[] {
  const p: string[] = [];
  const psc = pod.securityContext ?? {};
  if (psc.runAsNonRoot !== true) p.push(`${name}: pod runAsNonRoot`);
  if (psc.runAsUser !== 65532) p.push(`${name}: pod runAsUser`);
  if (psc.seccompProfile?.type !== 'RuntimeDefault') p.push(`${name}: pod seccompProfile`);
  if (pod.automountServiceAccountToken !== false) p.push(`${name}: automountServiceAccountToken`);
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) p.push(`${name}: host namespaces`);
  for (const v of pod.volumes ?? []) if (v.hostPath) p.push(`${name}: hostPath volume ${v.name}`);
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const at = `${name}/${c.name}`;
    if (sc.runAsNonRoot !== true) p.push(`${at}: runAsNonRoot`);
    if (sc.runAsUser !== 65532) p.push(`${at}: runAsUser`);
    if (sc.allowPrivilegeEscalation !== false) p.push(`${at}: allowPrivilegeEscalation`);
    if (sc.readOnlyRootFilesystem !== true) p.push(`${at}: readOnlyRootFilesystem`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL') || (sc.capabilities?.add ?? []).length) p.push(`${at}: capabilities`);
    if (sc.privileged) p.push(`${at}: privileged`);
    if (sc.seccompProfile?.type !== 'RuntimeDefault') p.push(`${at}: seccompProfile`);
    for (const part of ['requests', 'limits']) for (const r of ['cpu', 'memory']) if (!c.resources?.[part]?.[r]) p.push(`${at}: resources.${part}.${r}`);
    if (!/^ghcr\.io\/gitseal\/gitseal:\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/.test(c.image)) p.push(`${at}: image ${c.image}`);
  }
  return p;
}

describe('examples/deploy', () => {
  it.skipIf(!haveKubectl)('renders with kubectl kustomize', () => {
    const r = kustomize();
    expect(r.status, r.stderr).toBe(0);
    expect(docsOf(r.stdout).length).toBeGreaterThan(10);
  });

  it('has the namespace, the CRD, both workloads and their wiring', () => {
    const names = deployObjects().map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Namespace/gitseal',
        'CustomResourceDefinition/encryptedsecrets.gitseal.dev',
        'ServiceAccount/gitseal-controller',
        'ClusterRole/gitseal-controller',
        'ClusterRoleBinding/gitseal-controller',
        'Role/gitseal-controller-leader-election',
        'RoleBinding/gitseal-controller-leader-election',
        'Deployment/gitseal-controller',
        'Service/gitseal-controller-metrics',
        'NetworkPolicy/gitseal-controller',
        'ServiceAccount/gitseal-rewrap',
        'Deployment/gitseal-rewrap',
        'Service/gitseal-rewrap',
        'NetworkPolicy/gitseal-rewrap',
        'PersistentVolumeClaim/gitseal-rewrap-data',
        'ConfigMap/gitseal-rewrap-config',
        'ConfigMap/gitseal-rewrap-policy',
        'ConfigMap/gitseal-rewrap-ca',
        'ConfigMap/gitseal-controller-trust',
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
    for (const o of deployObjects()) if (!['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) expect(o.metadata.namespace, names.join()).toBe('gitseal');
    expect(find('Namespace', 'gitseal').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    const crd = parse(readFileSync(new URL('../schemas/encryptedsecret.crd.yaml', import.meta.url), 'utf8')) as K8sObject;
    expect(find('CustomResourceDefinition', 'encryptedsecrets.gitseal.dev').spec).toEqual(crd.spec);
  });

  it('runs every pod restricted, with resource requests and limits (the init Job too)', () => {
    const pods: Array<[string, any]> = ofKind('Deployment').map((d) => [d.metadata.name, d.spec.template.spec]);
    pods.push(['job/gitseal-rewrap-init', initJob().spec.template.spec]);
    expect(pods.length).toBe(3);
    expect(pods.flatMap(([n, p]) => podProblems(n, p))).toEqual([]);
    // The checker does see a loosened container.
    const loose = structuredClone(pods[0]![1]);
    loose.containers[0].securityContext.readOnlyRootFilesystem = false;
    delete loose.containers[0].resources.limits;
    expect(podProblems('x', loose)).toHaveLength(3);
    for (const sa of ofKind('ServiceAccount')) expect(sa.automountServiceAccountToken, sa.metadata.name).toBe(false);
  });

  it('gives every Deployment liveness and readiness probes', () => {
    for (const d of ofKind('Deployment'))
      for (const c of d.spec.template.spec.containers) {
        expect(c.livenessProbe?.httpGet?.path, `${d.metadata.name} liveness`).toBe('/healthz');
        expect(c.readinessProbe?.httpGet?.path, `${d.metadata.name} readiness`).toBe('/readyz');
      }
  });

  it('runs the controller as specified: two replicas, leader election, the rewrap service and a gitseal-audience token', () => {
    const d = find('Deployment', 'gitseal-controller');
    const pod = d.spec.template.spec;
    const [c] = pod.containers;
    expect(d.spec.replicas).toBe(2);
    expect(pod.serviceAccountName).toBe('gitseal-controller');
    expect(c.args).toEqual(['controller', '--leader-elect', '--lease-namespace', 'gitseal', '--metrics-addr', ':8080', '--trusted-writers', '/etc/gitseal/trust/trust.yaml']);
    expect(Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]))).toEqual({
      GITSEAL_SERVER: 'https://gitseal-rewrap.gitseal.svc:8443',
      GITSEAL_SERVER_CA: '/etc/gitseal/ca/ca.crt',
      GITSEAL_TOKEN_FILE: '/var/run/secrets/gitseal/token',
      NODE_OPTIONS: '--max-old-space-size=192 --max-semi-space-size=4',
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    expect(c.ports).toEqual([{ name: 'http-metrics', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet.port).toBe('http-metrics');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '320Mi' } });
    // The heap cap leaves the rest of the process (code, buffers, connections) at least 100 MiB under the limit.
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(c.env.find((e: any) => e.name === 'NODE_OPTIONS').value)![1]);
    expect(Number(c.resources.limits.memory.replace('Mi', '')) - heapMb).toBeGreaterThanOrEqual(100);
    const mountOf = (path: string) => pod.volumes.find((v: any) => v.name === c.volumeMounts.find((m: any) => m.mountPath === path)?.name);
    expect(mountOf('/var/run/secrets/gitseal').projected.sources).toEqual([{ serviceAccountToken: { audience: 'gitseal', expirationSeconds: 3600, path: 'token' } }]);
    expect(mountOf('/var/run/secrets/kubernetes.io/serviceaccount').projected.sources[0].serviceAccountToken).not.toHaveProperty('audience');
    expect(mountOf('/etc/gitseal/ca').configMap.name).toBe('gitseal-rewrap-ca');
    expect(find('Service', 'gitseal-controller-metrics').spec.ports[0]).toMatchObject({ port: 8080 });
  });

  it("gives the controller its own trust file, a ConfigMap mounted as a folder (a subPath mount would not see updates), that parses and requires nothing until the user says so", () => {
    const pod = find('Deployment', 'gitseal-controller').spec.template.spec;
    const [c] = pod.containers;
    const file = c.args[c.args.indexOf('--trusted-writers') + 1];
    const mount = c.volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
    expect(mount).toMatchObject({ mountPath: '/etc/gitseal/trust', readOnly: true });
    expect(mount).not.toHaveProperty('subPath');
    expect(pod.volumes.find((v: any) => v.name === mount.name).configMap.name).toBe('gitseal-controller-trust');
    const text = find('ConfigMap', 'gitseal-controller-trust').data[file.split('/').pop()];
    expect(decodeTrustFile(text, file)).toEqual({ requireSignatures: false, writers: [] });
    // The commented-out entries are what the file says to write: uncommented (with a real key) they parse.
    const key = formatWriter(writerFromSecret(new Uint8Array(64)));
    const filled = text.replace(/^requireSignatures: false$/m, 'requireSignatures: true').replace(/^writers: \[\]$/m, 'writers:').replace(/^# (- name| {2}key| {2}signsFor)/gm, '$1').replaceAll('gitseal-writer1:mldsa65-ed25519:…', key);
    expect(decodeTrustFile(filled, file)).toMatchObject({ requireSignatures: true, writers: [{ name: 'alice' }, { name: 'rewrap.example.com', signsFor: true }] });
  });

  it('grants least privilege: no wildcards, delete only on Secrets for the controller, exactly the controller rules of docs/ARCHITECTURE.md#the-controller', () => {
    const roles = [...ofKind('ClusterRole'), ...ofKind('Role')];
    for (const r of roles)
      for (const rule of r.rules) {
        for (const field of ['verbs', 'resources', 'apiGroups']) expect(rule[field] ?? [], `${r.metadata.name} ${field}`).not.toContain('*');
        // The controller deletes an immutable Secret it owns to replace it (reconciler.ts); nothing else deletes.
        const deletes = rule.verbs.filter((v: string) => /delete/.test(v));
        if (r.metadata.name === 'gitseal-controller' && rule.resources?.includes('secrets')) expect(deletes).toEqual(['delete']);
        else expect(deletes, r.metadata.name).toEqual([]);
      }
    const rules = (name: string, kind = 'ClusterRole') =>
      find(kind, name).rules.flatMap((r: any) => r.apiGroups.flatMap((g: string) => r.resources.map((res: string) => `${g || 'core'}/${res}: ${[...r.verbs].sort().join(',')}`)));
    expect(rules('gitseal-controller').sort()).toEqual(
      [
        'gitseal.dev/encryptedsecrets: get,list,watch',
        'gitseal.dev/encryptedsecrets/status: get,patch,update',
        'core/secrets: create,delete,get,list,patch,update,watch',
        'core/events: create,patch',
        'events.k8s.io/events: create,patch',
      ].sort(),
    );
    expect(rules('gitseal-controller-leader-election', 'Role')).toEqual(['coordination.k8s.io/leases: create', 'coordination.k8s.io/leases: get,update']);
    expect(find('Role', 'gitseal-controller-leader-election').rules[1].resourceNames).toEqual(['gitseal-controller']);
    expect(rules('gitseal-rewrap-tokenreview')).toEqual(['authentication.k8s.io/tokenreviews: create']);
    for (const b of [...ofKind('ClusterRoleBinding'), ...ofKind('RoleBinding')]) {
      find(b.roleRef.kind, b.roleRef.name);
      for (const s of b.subjects) {
        expect(s.kind).toBe('ServiceAccount');
        expect(find('ServiceAccount', s.name).metadata.namespace).toBe(s.namespace);
      }
    }
  });

  it('fences both workloads with NetworkPolicies: API server, rewrap (8443), DNS out; only the metrics port in', () => {
    const policyFor = (app: string) => ofKind('NetworkPolicy').find((n) => n.spec.podSelector.matchLabels['app.kubernetes.io/name'] === app)!;
    const ports = (rules: any[]) => new Set(rules.flatMap((r) => r.ports.map((p: any) => `${p.port}/${p.protocol}`)));
    for (const d of ofKind('Deployment')) {
      const np = policyFor(d.spec.template.metadata.labels['app.kubernetes.io/name']);
      expect(np, d.metadata.name).toBeDefined();
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      for (const rule of [...np.spec.ingress, ...np.spec.egress]) expect(rule.ports?.length, `${np.metadata.name}: a rule without ports`).toBeGreaterThan(0);
    }
    const controller = policyFor('gitseal-controller');
    expect(ports(controller.spec.ingress)).toEqual(new Set(['8080/TCP']));
    expect(ports(controller.spec.egress)).toEqual(new Set(['443/TCP', '6443/TCP', '8443/TCP', '53/UDP', '53/TCP']));
    const toRewrap = controller.spec.egress.find((r: any) => r.ports.some((p: any) => p.port === 8443));
    expect(toRewrap.to).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gitseal-rewrap' } } }]);
    const dns = controller.spec.egress.find((r: any) => r.ports.some((p: any) => p.port === 53));
    expect(dns.to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
    const rewrap = policyFor('gitseal-rewrap');
    expect(ports(rewrap.spec.ingress)).toEqual(new Set(['8443/TCP']));
    expect(rewrap.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gitseal-controller' } } }]);
    expect(ports(rewrap.spec.egress)).toEqual(new Set(['443/TCP', '6443/TCP', '53/UDP', '53/TCP']));
  });

  it('configures the rewrap service with a file the service accepts, mounted where it says', () => {
    const d = find('Deployment', 'gitseal-rewrap');
    const pod = d.spec.template.spec;
    const [c] = pod.containers;
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy.type).toBe('Recreate');
    expect(c.args).toEqual(['serve', '--config', '/etc/gitseal/service.yaml']);
    expect(pod.serviceAccountName).toBe('gitseal-rewrap');
    const config = parseServiceConfig(find('ConfigMap', 'gitseal-rewrap-config').data['service.yaml'], '/etc/gitseal/service.yaml');
    expect(config.root.type).toBe('aws-kms');
    expect(config.listen.port).toBe(8443);
    expect(config.auth.serviceAccounts).toMatchObject({ audience: 'gitseal', verify: { kind: 'tokenReview' } });
    const mounted = (file: string) => {
      const m = c.volumeMounts.find((x: any) => file === x.mountPath || file.startsWith(`${x.mountPath}/`));
      return m && pod.volumes.find((v: any) => v.name === m.name);
    };
    expect(mounted('/etc/gitseal/service.yaml').configMap.name).toBe('gitseal-rewrap-config');
    expect(mounted(config.policy).configMap.name).toBe('gitseal-rewrap-policy');
    expect(mounted(config.tls.cert).secret.secretName).toBe('gitseal-rewrap-tls');
    expect(mounted(config.tls.key).secret.secretName).toBe('gitseal-rewrap-tls');
    expect(mounted(config.keys).persistentVolumeClaim.claimName).toBe('gitseal-rewrap-data');
    expect(mounted(config.audit).persistentVolumeClaim.claimName).toBe('gitseal-rewrap-data');
    expect(mounted('/var/run/secrets/kubernetes.io/serviceaccount/token').projected).toBeDefined(); // TokenReview's default token
    expect(find('Service', 'gitseal-rewrap').spec.ports[0]).toMatchObject({ port: 8443 });

    const policy = parsePolicy(find('ConfigMap', 'gitseal-rewrap-policy').data['policy.yaml'], 'policy.yaml');
    const controller = 'system:serviceaccount:gitseal:gitseal-controller';
    for (const scope of ['*', 'payments/*', 'payments/db']) expect(policy.decide(controller, scope, 'rewrap').allowed, scope).toBe(true);
    expect(policy.decide(controller, '*', 'keys.destroy').allowed).toBe(false);
    expect(policy.decide('system:serviceaccount:payments:default', 'payments/db', 'rewrap').allowed).toBe(false);
  });
});

/** The RBAC request attributes of a call (group, resource with subresource, verb, namespace, name), as kube-apiserver derives them. */
function rbacAttributes(r: RequestRecord): Array<{ group: string; resource: string; verb: string; namespace?: string; name?: string }> {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(r.path);
  if (!m) throw new Error(`not a resource path: ${r.method} ${r.path}`);
  const [, group = '', namespace, plural, name, sub] = m;
  const query = new URLSearchParams(r.query);
  const verb =
    r.method === 'GET' ? (name ? 'get' : ['true', '1'].includes(query.get('watch') ?? '') ? 'watch' : 'list') : { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection' }[r.method];
  if (!verb) throw new Error(`unexpected method ${r.method}`);
  const at = { group, resource: sub ? `${plural}/${sub}` : plural!, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
  // A server-side apply that creates the object is authorized for create too.
  return r.contentType === 'application/apply-patch+yaml' ? [{ ...at, verb }, { ...at, verb: 'create' }] : [{ ...at, verb }];
}

describe('examples/deploy RBAC against the controller', () => {
  it('grants every call the controller makes: create, update, drift, immutable replacement, adoption, refusal, leader election', async () => {
    const env = await startControllerEnv();
    try {
      // The controller's own user, so the test's setup calls are told apart.
      const kc = new PooledKubeConfig();
      kc.loadFromString(env.k8s.kubeconfig({ user: 'gitseal-controller' }));
      await env.startController({ kubeConfig: kc, leaderElection: { namespace: 'gitseal', identity: 'rbac', leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 } });
      const b64 = (v: string) => Buffer.from(v).toString('base64');
      const tls = (v: string) => env.encrypt(secretManifest('payments', 'tls', { k: v }, 'immutable: true\n'));
      await env.createCr(tls('1'));
      await until('the Secret', () => env.getSecret('payments', 'tls')?.data?.k === b64('1'));
      await env.replaceCr(tls('2'));
      await until('the immutable Secret replaced', () => env.getSecret('payments', 'tls')?.data?.k === b64('2'));
      await env.core.deleteNamespacedSecret({ namespace: 'payments', name: 'tls' });
      await until('the deleted Secret back', () => env.getSecret('payments', 'tls')?.data?.k === b64('2'));
      await env.core.createNamespacedSecret({ namespace: 'billing', body: { metadata: { name: 'theirs' }, data: { k: b64('x') } } });
      await env.createCr(env.encrypt(secretManifest('billing', 'theirs', { k: 'y' })));
      await until('SecretNotOwned', () => env.getCr('billing', 'theirs')?.status?.conditions?.some((c) => c.reason === 'SecretNotOwned') === true);
      await env.core.patchNamespacedSecret({ namespace: 'billing', name: 'theirs', body: { metadata: { annotations: { 'gitseal.dev/adopt-by': 'theirs' } } } }, mergePatch);
      await env.replaceCr(env.encrypt(secretManifest('billing', 'theirs', { k: 'z' })));
      await until('adopted', () => env.getSecret('billing', 'theirs')?.data?.k === b64('z'));
      await env.controllers[0]!.stop();
      await kc.closePool();

      const calls = env.k8s.requests.filter((r) => r.user === 'gitseal-controller').flatMap(rbacAttributes);
      const verbsSeen = new Set(calls.map((c) => `${c.group || 'core'}/${c.resource}: ${c.verb}`));
      for (const expected of ['core/secrets: delete', 'core/secrets: patch', 'core/secrets: create', 'gitseal.dev/encryptedsecrets/status: patch', 'coordination.k8s.io/leases: create'])
        expect(verbsSeen, 'the scenario makes the calls it claims').toContain(expected);
      const grants = [
        ...find('ClusterRole', 'gitseal-controller').rules.map((rule: any) => ({ rule })),
        ...find('Role', 'gitseal-controller-leader-election').rules.map((rule: any) => ({ rule, namespace: 'gitseal' })),
      ];
      const allowed = (c: ReturnType<typeof rbacAttributes>[number]) =>
        grants.some(({ rule, namespace }: { rule: any; namespace?: string }) =>
          (namespace === undefined || namespace === c.namespace) &&
          rule.apiGroups.includes(c.group) &&
          rule.resources.includes(c.resource) &&
          rule.verbs.includes(c.verb) &&
          (rule.resourceNames === undefined || (c.name !== undefined && rule.resourceNames.includes(c.name))),
        );
      expect(calls.filter((c) => !allowed(c)).map((c) => `${c.verb} ${c.group || 'core'}/${c.resource} ${c.namespace ?? ''}/${c.name ?? ''}`)).toEqual([]);
    } finally {
      await env.close();
    }
  }, 60_000);
});

describe('examples/flux', () => {
  const objects = ['source.yaml', 'gitseal.yaml', 'secrets.yaml'].flatMap((f) => docsOf(read('flux', f)));
  const kustomizations = objects.filter((o) => o.kind === 'Kustomization');

  it('applies EncryptedSecrets after the controller, waiting for them, pruning removed ones', () => {
    const secrets = kustomizations.find((k) => k.metadata.name === 'payments-secrets')!;
    expect(secrets.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(secrets.spec).toMatchObject({ prune: true, wait: true });
    expect(secrets.spec).not.toHaveProperty('targetNamespace'); // the scope binds each object's namespace
    for (const dep of secrets.spec.dependsOn) expect(kustomizations.map((k) => k.metadata.name)).toContain(dep.name);
    for (const k of kustomizations) {
      const source = objects.find((o) => o.kind === k.spec.sourceRef.kind && o.metadata.name === k.spec.sourceRef.name);
      expect(source?.apiVersion, k.metadata.name).toBe('source.toolkit.fluxcd.io/v1');
    }
  });
});

/** The metric names the controller and the service export (the contract), with the values of the labels that have a fixed set. */
const METRICS: Record<string, Record<string, readonly string[]>> = {
  gitseal_controller_reconcile_total: { result: ['applied', 'unchanged', 'error'] },
  gitseal_controller_decrypt_failures_total: {
    reason: ['RewrapDenied', 'RewrapUnavailable', 'ScopeMismatch', 'Tampered', 'Unsigned', 'UntrustedWriter', 'SecretNotOwned', 'Invalid', 'SecretRefused', 'ApiUnavailable'],
  },
  gitseal_controller_sync_duration_seconds: {},
  gitseal_controller_objects: { ready: ['true', 'false'] },
  gitseal_controller_is_leader: {},
  gitseal_controller_workqueue_depth: {},
  gitseal_requests_total: {},
  gitseal_request_duration_seconds: {},
  gitseal_rewrap_items_total: { result: ['ok', ...WIRE_CODES] },
  gitseal_auth_failures_total: {},
  gitseal_rate_limited_total: {},
  gitseal_connections_refused_total: {},
  gitseal_audit_errors_total: {},
  gitseal_org_keys: { state: KEY_STATES },
  gitseal_root_state: { state: ['ready', 'root_revoked', 'root_unavailable', 'starting'] },
};
const HISTOGRAMS = new Set(['gitseal_controller_sync_duration_seconds', 'gitseal_request_duration_seconds']);

/** Metric names in a PromQL expression, and problems: unknown names, bare histograms, label values outside the contract. */
function metricsOf(expr: string): { names: string[]; problems: string[] } {
  const names: string[] = [];
  const problems: string[] = [];
  for (const m of expr.matchAll(/\b(gitseal_[a-z0-9_]+)(\{[^}]*\})?/g)) {
    let name = m[1]!;
    const series = /^(.*)_(bucket|sum|count)$/.exec(name);
    if (series && HISTOGRAMS.has(series[1]!)) name = series[1]!;
    else if (HISTOGRAMS.has(name)) problems.push(`${name} is a histogram: use _bucket, _sum or _count`);
    const labels = METRICS[name];
    if (!labels) {
      problems.push(`unknown metric ${m[1]}`);
      continue;
    }
    names.push(name);
    for (const l of (m[2] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
      const allowed = labels[l[1]!];
      if (allowed && (l[2] === '=' || l[2] === '!=') && !allowed.includes(l[3]!)) problems.push(`${name}{${l[1]}="${l[3]}"} is not a value it has`);
    }
  }
  return { names, problems };
}

describe('examples/monitoring', () => {
  type Rule = { alert: string; expr: string; for?: string; labels: { severity: string }; annotations: { summary: string } };
  const groups = (parse(read('monitoring', 'alerts.yaml')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups;
  const rules = groups.flatMap((g) => g.rules);
  const dashboard = JSON.parse(read('monitoring', 'dashboard.json')) as { schemaVersion: number; panels: Array<{ id: number; type: string; title: string; targets?: Array<{ expr: string }> }> };

  it('the checker finds what it should', () => {
    expect(metricsOf('rate(gitseal_controller_decrypt_failures_total{reason="Tampered"}[5m])')).toEqual({ names: ['gitseal_controller_decrypt_failures_total'], problems: [] });
    expect(metricsOf('gitseal_controller_reconciles_total').problems).toEqual(['unknown metric gitseal_controller_reconciles_total']);
    expect(metricsOf('gitseal_root_state{state="revoked"}').problems).toHaveLength(1);
    expect(metricsOf('gitseal_request_duration_seconds').problems).toHaveLength(1);
  });

  it('alert on the listed metrics only, each with a severity and a summary', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(metricsOf(r.expr).problems, r.alert).toEqual([]);
      expect(metricsOf(r.expr).names.length, r.alert).toBeGreaterThan(0);
      expect(['info', 'warning', 'critical'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toBeTruthy();
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('cover what the operator must know', () => {
    const by = (metric: string, test: (r: Rule) => boolean = () => true) => rules.filter((r) => r.expr.includes(metric) && test(r));
    expect(by('gitseal_controller_decrypt_failures_total')).not.toEqual([]);
    expect(by('gitseal_controller_objects{ready="false"}', (r) => r.for === '10m')).not.toEqual([]);
    expect(by('gitseal_controller_is_leader', (r) => r.for === '5m')).not.toEqual([]);
    expect(by('gitseal_root_state', (r) => r.labels.severity === 'critical').length).toBeGreaterThanOrEqual(1);
    expect(by('gitseal_audit_errors_total', (r) => r.labels.severity === 'critical' && / > 0$/.test(r.expr))).not.toEqual([]);
    expect(by('gitseal_request_duration_seconds_bucket{route="rewrap"}', (r) => /histogram_quantile\(0\.99,/.test(r.expr) && / > 0\.1$/.test(r.expr))).not.toEqual([]);
    expect(by('gitseal_controller_sync_duration_seconds_bucket', (r) => /histogram_quantile\(0\.99,/.test(r.expr) && / > 1$/.test(r.expr))).not.toEqual([]);
  });

  it('the Grafana dashboard parses, and its panels query the listed metrics, every one of them', () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const used = new Set<string>();
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) {
        const { names, problems } = metricsOf(t.expr);
        expect(problems, p.title).toEqual([]);
        expect(names.length, p.title).toBeGreaterThan(0);
        names.forEach((n) => used.add(n));
      }
    }
    expect([...used].sort()).toEqual(Object.keys(METRICS).sort());
  });
});
