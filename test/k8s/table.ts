/**
 * Server-side printing, as `kubectl get` asks for it (`Accept:
 * application/json;as=Table;v=v1;g=meta.k8s.io`): a meta.k8s.io/v1 Table
 * whose columns are a custom resource's additionalPrinterColumns (Age by
 * default) after Name, with cells found by their JSONPath the way the
 * apiextensions apiserver does (unset: no cell; dates: a human age).
 * Built-in kinds are answered with plain objects, which kubectl prints
 * with NAME and AGE itself.
 */
import type { Obj } from './errors.js';
import type { ResourceType } from './resources.js';
import { isObj } from './schema.js';
import { metaOf } from './values.js';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export function wantsTable(accept: string | undefined): boolean {
  const first = (accept ?? '').split(',')[0] ?? '';
  return /(^|;)\s*as=Table(;|$)/.test(first) && /(^|;)\s*g=meta\.k8s\.io(;|$)/.test(first);
}

/** The values a simple JSONPath (`.a.b`, `[0]`, `[?(@.k=="v")]`) finds. */
function find(root: unknown, path: string): unknown[] {
  let values: unknown[] = [root];
  const steps = path.match(/\.[^.[]+|\[\?\(@\.[^=]+==(?:"[^"]*"|'[^']*'|[^)]*)\)\]|\[\d+\]|\[\*\]/g) ?? [];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of values) {
      if (step.startsWith('.')) {
        if (isObj(v) && v[step.slice(1)] !== undefined) next.push(v[step.slice(1)]);
      } else if (step === '[*]') {
        if (Array.isArray(v)) next.push(...v);
      } else if (/^\[\d+\]$/.test(step)) {
        if (Array.isArray(v) && v[Number(step.slice(1, -1))] !== undefined) next.push(v[Number(step.slice(1, -1))]);
      } else {
        const m = /^\[\?\(@\.([^=]+)==(.*)\)\]$/.exec(step);
        const want = (m?.[2] ?? '').replace(/^["']|["']$/g, '');
        if (Array.isArray(v)) next.push(...v.filter((x) => isObj(x) && String(x[m?.[1] ?? '']) === want));
      }
    }
    values = next;
  }
  return values;
}

/** apimachinery's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  const days = Math.floor(hours / 24) % 365;
  if (hours < 24 * 365 * 8) return days === 0 ? `${years}y` : `${years}y${days}d`;
  return `${years}y`;
}

function cell(o: Obj, c: PrinterColumn): unknown {
  const value = find(o, c.jsonPath)[0];
  if (value === undefined || value === null) return null;
  if (c.type === 'date') return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? humanDuration(Date.now() - Date.parse(value)) : '<invalid>';
  if (c.type === 'string') return typeof value === 'string' ? value : JSON.stringify(value);
  return value;
}

/** An object or a list of a custom resource as a Table, rows carrying their objects' metadata. */
export function toTable(rt: ResourceType, body: Obj): Obj {
  const columns = rt.printerColumns && rt.printerColumns.length > 0 ? rt.printerColumns : [AGE];
  const objects = Array.isArray(body.items) ? body.items.filter(isObj) : [body];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: Array.isArray(body.items) && isObj(body.metadata) ? body.metadata : { resourceVersion: metaOf(body).resourceVersion },
    columnDefinitions: [
      NAME_COLUMN,
      ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    ],
    rows: objects.map((o) => ({
      cells: [metaOf(o).name, ...columns.map((c) => cell(o, c))],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: metaOf(o) },
    })),
  };
}
