/**
 * PATCH bodies turned into candidate objects: server-side apply
 * (`application/apply-patch+yaml`, YAML or JSON; fieldManager required;
 * `force` to take contested fields) and the classic patch types. 415 for
 * anything else, and for strategic merge patch on custom resources.
 */
import { parse as parseYaml } from 'yaml';
import { errors, fieldErr, type Obj } from './errors.js';
import { decodeManaged, recordApply } from './managed.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { fieldContext, type Produced } from './registry.js';
import type { ResourceType } from './resources.js';
import { isObj } from './schema.js';
import { meta, metaOf } from './values.js';

export const APPLY = 'application/apply-patch+yaml';
const JSON_PATCH = 'application/json-patch+json';
const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

export function patchTypes(rt: ResourceType): string[] {
  return rt.custom ? [JSON_PATCH, MERGE, APPLY, 'application/apply-patch+cbor'] : [JSON_PATCH, MERGE, STRATEGIC, APPLY, 'application/apply-patch+cbor'];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/** PatchOptions validation (422 on PatchOptions.meta.k8s.io). */
export function checkPatchOptions(isApply: boolean, fieldManager: string | undefined, force: string | null): void {
  const errs = [];
  if (isApply && !fieldManager) errs.push(fieldErr.required('fieldManager', 'is required for apply patch'));
  if (!isApply && force !== null) errs.push(fieldErr.forbidden('force', 'may not be specified for non-apply patch'));
  if (fieldManager && fieldManager.length > 128) errs.push(fieldErr.tooLong('fieldManager', 128));
  if (errs.length > 0) throw errors.invalid('PatchOptions', 'meta.k8s.io', '', errs);
}

export function patchProducer(rt: ResourceType, contentType: string, text: string): (live: Obj | undefined) => Produced {
  const accepted = patchTypes(rt);
  if (!accepted.includes(contentType) || contentType === 'application/apply-patch+cbor') throw errors.unsupportedMediaType(accepted);
  const body = parseJson(text);
  if (contentType === JSON_PATCH) return (live) => ({ obj: asObject(jsonPatch(live, body)) });
  if (!isObj(body)) throw errors.badRequest('json: cannot unmarshal into Go value of type map[string]interface {}');
  if (contentType === MERGE) return (live) => ({ obj: asObject(mergePatch(live, body)) });
  return (live) => ({ obj: asObject(strategicMergePatch(live, body, rt.schema)) });
}

function asObject(v: unknown): Obj {
  if (!isObj(v)) throw errors.badRequest('the patched document is not a JSON object');
  return v;
}

export function applyProducer(
  rt: ResourceType,
  subresource: string | undefined,
  text: string,
  manager: string,
  force: boolean,
): (live: Obj | undefined) => Produced {
  let cfg: unknown;
  try {
    cfg = parseYaml(text);
  } catch (e) {
    throw errors.badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (!isObj(cfg)) throw errors.badRequest('error decoding YAML: the applied configuration is not an object');
  const config = prepareConfig(rt, subresource, cfg);
  const ctx = fieldContext(rt, subresource);
  return (live) => recordApply(live, config, decodeManaged(live), manager, force, ctx);
}

/** The applied configuration as the field manager sees it: decoded, without fields this endpoint resets. */
function prepareConfig(rt: ResourceType, subresource: string | undefined, cfg: Obj): Obj {
  if (typeof cfg.kind !== 'string' || !cfg.kind) throw errors.badRequest(`Object 'Kind' is missing in '${JSON.stringify(cfg)}'`);
  if (typeof cfg.apiVersion !== 'string' || !cfg.apiVersion) throw errors.badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(cfg)}'`);
  if (subresource === 'status') {
    const m = metaOf(cfg);
    const out: Obj = { apiVersion: cfg.apiVersion, kind: cfg.kind, metadata: { ...(m.name ? { name: m.name } : {}), ...(m.namespace ? { namespace: m.namespace } : {}) } };
    if (cfg.status !== undefined) out.status = cfg.status;
    return out;
  }
  const out = { ...cfg };
  if (rt.status) delete out.status;
  if (!rt.custom && rt.decode) {
    const hadType = 'type' in out;
    rt.decode(out);
    if (!hadType && rt.kind === 'Secret') delete out.type;
  }
  delete meta(out).managedFields;
  return out;
}
