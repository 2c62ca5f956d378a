/**
 * What the server knows about each resource (one entry per served
 * group/version/plural): its names, scope, strategy switches and hooks,
 * and the catalog that routing, discovery and the garbage collector
 * consult. CRDs add and remove entries at runtime.
 */
import type { FieldError, Obj } from './errors.js';
import type { Schema } from './schema.js';
import type { PrinterColumn } from './table.js';
import { isDNS1123Subdomain, type NameCheck } from './validation.js';

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Objects of every version (and view) of one resource share this key. */
  storageKey: string;
  /** Has a status subresource: main-resource writes keep .status, status writes keep the rest. */
  status: boolean;
  /** A custom resource: unstructured (lists carry apiVersion/kind per item), no strategic merge patch. */
  custom: boolean;
  /** Maintains metadata.generation (bumped when anything but metadata/status changes). */
  generation: boolean;
  allowUnconditionalUpdate: boolean;
  allowCreateOnUpdate: boolean;
  /** DELETE answers with the deleted object rather than a Success Status. */
  returnDeletedObject: boolean;
  schema: Schema;
  nameCheck: NameCheck;
  /** A custom resource's additionalPrinterColumns (server-side printing for kubectl get). */
  printerColumns?: PrinterColumn[];
  /** Field selector fields beyond metadata.name / metadata.namespace. */
  fields: Record<string, (o: Obj) => string | undefined>;
  /**
   * The JSON decoder's checks (400 on malformed input), normalizing in place; may return the unknown
   * fields it dropped (custom resources), which fieldValidation turns into warnings or errors.
   */
  decode?(o: Obj): string[] | void;
  prepareCreate?(o: Obj): void;
  prepareUpdate?(o: Obj, old: Obj): void;
  /** The kind's own validation (422); metadata is validated separately unless skipMetaValidation. */
  validate?(o: Obj, old: Obj | undefined, subresource?: string): FieldError[];
  /** The kind validates its metadata itself (Events), or not at all. */
  skipMetaValidation?: boolean;
  /** The group validation errors name, when not the resource's own (events.k8s.io Events validate as core Events). */
  validationGroup?: string;
  /** Conversion between this version's shape and the stored one. */
  toStorage(o: Obj): Obj;
  fromStorage(o: Obj): Obj;
}

export const apiVersionOf = (rt: Pick<ResourceType, 'group' | 'version'>): string => (rt.group ? `${rt.group}/${rt.version}` : rt.version);

/** Sets apiVersion/kind to the given ones (conversion among versions that differ only in name). */
export function retag(o: Obj, apiVersion: string, kind: string): Obj {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return { apiVersion, kind, ...rest };
}

export type ResourceInit = Pick<ResourceType, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'> & Partial<ResourceType>;

export function defineResource(init: ResourceInit): ResourceType {
  const apiVersion = apiVersionOf(init);
  return {
    listKind: `${init.kind}List`,
    singular: init.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    storageKey: `${init.group}/${init.plural}`,
    status: false,
    custom: false,
    generation: false,
    allowUnconditionalUpdate: true,
    allowCreateOnUpdate: false,
    returnDeletedObject: false,
    schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    nameCheck: isDNS1123Subdomain,
    fields: {},
    toStorage: (o) => retag(o, apiVersion, init.kind),
    fromStorage: (o) => retag(o, apiVersion, init.kind),
    ...init,
  };
}

export class Catalog {
  private types: ResourceType[] = [];

  add(rt: ResourceType): void {
    this.remove((t) => t.group === rt.group && t.version === rt.version && t.plural === rt.plural);
    this.types.push(rt);
  }

  remove(pred: (rt: ResourceType) => boolean): void {
    this.types = this.types.filter((t) => !pred(t));
  }

  all(): ResourceType[] {
    return [...this.types];
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.types.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
  }

  /** The entries of one resource (all versions and views), the canonical one first. */
  byStorage(storageKey: string): ResourceType[] {
    return this.types.filter((t) => t.storageKey === storageKey);
  }

  storageKeys(): string[] {
    return [...new Set(this.types.map((t) => t.storageKey))];
  }

  /** API groups with their versions, in registration order (the first version is preferred). */
  groups(): { name: string; versions: string[] }[] {
    const out: { name: string; versions: string[] }[] = [];
    for (const t of this.types) {
      if (!t.group) continue;
      let g = out.find((x) => x.name === t.group);
      if (!g) out.push((g = { name: t.group, versions: [] }));
      if (!g.versions.includes(t.version)) g.versions.push(t.version);
    }
    return out;
  }

  resources(group: string, version: string): ResourceType[] {
    return this.types.filter((t) => t.group === group && t.version === version);
  }
}
