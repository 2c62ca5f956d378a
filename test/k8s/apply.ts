/**
 * PATCH bodies turned into candidate objects: server-side apply
 * (`application/apply-patch+yaml`, YAML or JSON; fieldManager required;
 * `force` to take contested fields) and the classic patch types. 415 for
 * anything else, and for strategic merge patch on custom resources.
 */
import { parse as parseYaml } from 'yaml';
import { errors, fieldErr, type Obj } from './errors.js';
import { FieldSet } from './fieldset.js';
import { compare, toFieldSet } from './fieldwalk.js';
import { ApplyConflict, decodeManaged, recordApply } from './managed.js';
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
  return rt.custom ? [JSON_PATCH, MERGE, APPLY] : [JSON_PATCH, MERGE, STRATEGIC, APPLY];
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
  if (!accepted.includes(contentType)) throw errors.unsupportedMediaType(accepted);
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
  return (live) => {
    let result: Produced;
    try {
      result = recordApply(live, config, decodeManaged(live), manager, force, ctx);
    } catch (e) {
      // The apiserver lets `kubectl apply --server-side` take over fields from client-side apply
      // when their live values still match the last-applied annotation.
      if (!(e instanceof ApplyConflict) || manager !== 'kubectl' || !live) throw e;
      const allowed = allowedByLastApplied(live, rt);
      if (!allowed || !e.paths.every((p) => allowed.has(p))) throw e;
      result = recordApply(live, config, decodeManaged(live), manager, true, ctx);
    }
    if (manager === 'kubectl' && live && lastApplied(live) !== undefined) syncLastApplied(result.obj, config);
    return result;
  };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function lastApplied(o: Obj): string | undefined {
  const ann = metaOf(o).annotations;
  return isObj(ann) && typeof ann[LAST_APPLIED] === 'string' ? ann[LAST_APPLIED] : undefined;
}

/** Fields of the last-applied configuration whose live values are unchanged since. */
function allowedByLastApplied(live: Obj, rt: ResourceType): FieldSet | undefined {
  const text = lastApplied(live);
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(last)) return undefined;
  const c = compare(last, live, rt.schema);
  return toFieldSet(last, rt.schema).difference(c.modified).difference(c.added).difference(c.removed);
}

/** What the apiserver's lastAppliedUpdater does: keep the annotation equal to what kubectl applied. */
function syncLastApplied(obj: Obj, config: Obj): void {
  const copy = structuredClone(config);
  const cm = metaOf(copy);
  if (isObj(cm.annotations)) {
    delete cm.annotations[LAST_APPLIED];
    if (Object.keys(cm.annotations).length === 0) delete cm.annotations;
  }
  const m = meta(obj);
  m.annotations = { ...(isObj(m.annotations) ? m.annotations : {}), [LAST_APPLIED]: JSON.stringify(copy) };
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
