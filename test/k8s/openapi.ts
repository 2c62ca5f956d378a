/**
 * A minimal OpenAPI v3 surface: /openapi/v3 lists one document per
 * group-version, and each document has the resource paths with their
 * operations, the `x-kubernetes-group-version-kind` extension and the
 * query parameters. kubectl reads it to learn that the server does
 * field validation (`fieldValidation` on PATCH) instead of validating
 * client-side against a schema. Strategic merge patch is not advertised,
 * so kubectl computes it from its compiled-in types as usual. Component
 * schemas are the CRDs' own for custom resources, permissive otherwise.
 */
import { createHash } from 'node:crypto';
import { patchTypes } from './apply.js';
import type { Obj } from './errors.js';
import type { Catalog, ResourceType } from './resources.js';

const param = (name: string, type = 'string'): Obj => ({ name, in: 'query', schema: { type, uniqueItems: true } });
const pathParam = (name: string): Obj => ({ name, in: 'path', required: true, schema: { type: 'string', uniqueItems: true } });

const WRITE_PARAMS = [param('dryRun'), param('fieldManager'), param('fieldValidation')];
const LIST_PARAMS = [
  param('allowWatchBookmarks', 'boolean'),
  param('continue'),
  param('fieldSelector'),
  param('labelSelector'),
  param('limit', 'integer'),
  param('resourceVersion'),
  param('resourceVersionMatch'),
  param('sendInitialEvents', 'boolean'),
  param('timeoutSeconds', 'integer'),
  param('watch', 'boolean'),
];

const schemaName = (rt: ResourceType): string => `${(rt.group || 'io.k8s.api.core').split('.').reverse().join('.')}.${rt.version}.${rt.kind}`;

function operations(rt: ResourceType): Record<string, Obj> {
  const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
  const ref = { $ref: `#/components/schemas/${schemaName(rt)}` };
  const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
  const body = (types: string[]): Obj => ({ content: Object.fromEntries(types.map((t) => [t, { schema: t.includes('json-patch') ? { type: 'array' } : ref }])), required: true });
  const op = (action: string, extra: Obj): Obj => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: ok, ...extra });
  const prefix = `/${rt.group ? `apis/${rt.group}` : 'api'}/${rt.version}`;
  const collection = rt.namespaced ? `${prefix}/namespaces/{namespace}/${rt.plural}` : `${prefix}/${rt.plural}`;
  const scope = rt.namespaced ? [pathParam('namespace')] : [];
  const patchBody = body(patchTypes(rt).filter((t) => !t.startsWith('application/strategic') && !t.endsWith('cbor')));
  const out: Record<string, Obj> = {
    [collection]: {
      parameters: scope,
      get: op('list', { parameters: LIST_PARAMS }),
      post: op('post', { parameters: WRITE_PARAMS, requestBody: body(['*/*']) }),
    },
    [`${collection}/{name}`]: {
      parameters: [pathParam('name'), ...scope],
      get: op('get', {}),
      put: op('put', { parameters: WRITE_PARAMS, requestBody: body(['*/*']) }),
      patch: op('patch', { parameters: [...WRITE_PARAMS, param('force', 'boolean')], requestBody: patchBody }),
      delete: op('delete', { parameters: [param('dryRun'), param('propagationPolicy')] }),
    },
  };
  if (rt.status) {
    out[`${collection}/{name}/status`] = {
      parameters: [pathParam('name'), ...scope],
      get: op('get', {}),
      put: op('put', { parameters: WRITE_PARAMS, requestBody: body(['*/*']) }),
      patch: op('patch', { parameters: [...WRITE_PARAMS, param('force', 'boolean')], requestBody: patchBody }),
    };
  }
  return out;
}

function gvDocument(rts: ResourceType[]): Obj {
  const paths: Obj = {};
  const schemas: Obj = {};
  for (const rt of rts) {
    Object.assign(paths, operations(rt));
    const s = rt.custom ? { ...rt.schema } : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    schemas[schemaName(rt)] = { ...s, 'x-kubernetes-group-version-kind': [{ group: rt.group, version: rt.version, kind: rt.kind }] };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

const gvKey = (rt: ResourceType): string => (rt.group ? `apis/${rt.group}/${rt.version}` : `api/${rt.version}`);

function documents(catalog: Catalog): Map<string, Obj> {
  const byGv = new Map<string, ResourceType[]>();
  for (const rt of catalog.all()) byGv.set(gvKey(rt), [...(byGv.get(gvKey(rt)) ?? []), rt]);
  return new Map([...byGv].map(([k, rts]) => [k, gvDocument(rts)]));
}

/** The OpenAPI v3 answer for a path under /openapi/v3, or undefined (404). */
export function openapiV3(catalog: Catalog, pathname: string): Obj | undefined {
  const docs = documents(catalog);
  if (pathname === '/openapi/v3') {
    const paths: Obj = {};
    for (const [k, doc] of docs) {
      const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();
      paths[k] = { serverRelativeURL: `/openapi/v3/${k}?hash=${hash}` };
    }
    return { paths };
  }
  return docs.get(pathname.replace(/^\/openapi\/v3\//, ''));
}
