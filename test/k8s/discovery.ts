/**
 * Discovery, in the legacy (unaggregated) JSON form every client falls
 * back to: /version, /api, /api/v1, /apis, /apis/{group},
 * /apis/{group}/{version}, with verbs, scope, kinds, short names,
 * categories and subresources. Requests for aggregated discovery
 * (as=APIGroupDiscoveryList) get the same plain JSON, which kubectl
 * accepts as "not aggregated".
 */
import { createHash } from 'node:crypto';
import type { Obj } from './errors.js';
import type { Catalog, ResourceType } from './resources.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** The apiextensions apiserver lists a custom resource's verbs in its own order. */
const CUSTOM_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function versionPriority(a: string, b: string): number {
  const parse = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [-1, 0, 0];
    const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = parse(a);
  const [sb, mb, nb] = parse(b);
  return sb - sa || mb - ma || nb - na || (a < b ? -1 : 1);
}

function resourceEntries(rt: ResourceType): Obj[] {
  const main: Obj = {
    name: rt.plural,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: rt.custom ? CUSTOM_VERBS : VERBS,
  };
  if (rt.shortNames.length) main.shortNames = rt.shortNames;
  if (rt.categories.length) main.categories = rt.categories;
  main.storageVersionHash = createHash('sha256').update(`${rt.group}/${rt.version}/${rt.kind}`).digest().subarray(0, 8).toString('base64');
  const out = [main];
  if (rt.status) out.push({ name: `${rt.plural}/status`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: ['get', 'patch', 'update'] });
  return out;
}

export function discovery(catalog: Catalog, path: string, serverAddress: string): Obj | undefined {
  if (path === '/version') return VERSION_INFO;
  if (path === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }
  const groups = catalog.groups().map((g) => {
    const versions = [...g.versions].sort(versionPriority);
    return {
      name: g.name,
      versions: versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${g.name}/${versions[0]}`, version: versions[0] },
    };
  });
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  const list = (group: string, version: string): Obj | undefined => {
    const rts = catalog.resources(group, version);
    if (rts.length === 0) return undefined;
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: rts.flatMap(resourceEntries) };
  };
  if (path === '/api/v1') return list('', 'v1');
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!m) return undefined;
  const [, group, version] = m as unknown as [string, string, string | undefined];
  if (version) return list(group, version);
  const g = groups.find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
}
