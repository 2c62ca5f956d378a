/**
 * Sets of field paths, as structured-merge-diff keeps them for
 * managedFields, and their FieldsV1 encoding: nested objects keyed by
 * `f:<field>`, `k:<json of the key fields>` (associative list items),
 * `v:<json value>` (set items) and `i:<index>`, with `.` marking a node
 * that is itself a member while also having children.
 */
import type { Obj } from './errors.js';
import { isObj } from './schema.js';

/** One path element in its FieldsV1 spelling, e.g. `f:data` or `k:{"type":"Ready"}`. */
export type PathEl = string;
export type Path = PathEl[];

export class FieldSet {
  private readonly keys = new Set<string>();

  static of(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): this {
    this.keys.add(JSON.stringify(path));
    return this;
  }

  has(path: Path): boolean {
    return this.keys.has(JSON.stringify(path));
  }

  get size(): number {
    return this.keys.size;
  }

  isEmpty(): boolean {
    return this.keys.size === 0;
  }

  paths(): Path[] {
    return [...this.keys].map((k) => JSON.parse(k) as Path);
  }

  union(other: FieldSet): FieldSet {
    const s = FieldSet.of(this.paths());
    for (const k of other.keys) s.keys.add(k);
    return s;
  }

  difference(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const k of this.keys) if (!other.keys.has(k)) s.keys.add(k);
    return s;
  }

  intersection(other: FieldSet): FieldSet {
    const s = new FieldSet();
    for (const k of this.keys) if (other.keys.has(k)) s.keys.add(k);
    return s;
  }

  filter(keep: (p: Path) => boolean): FieldSet {
    return FieldSet.of(this.paths().filter(keep));
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && [...this.keys].every((k) => other.keys.has(k));
  }

  /** True when some member is `prefix` or lies under it. */
  touches(prefix: Path): boolean {
    return this.paths().some((p) => startsWith(p, prefix));
  }

  toFieldsV1(): Obj {
    const root: Obj = {};
    const sorted = this.paths().sort((a, b) => a.length - b.length);
    for (const path of sorted) {
      let node = root;
      for (const el of path) {
        const existing = node[el];
        const next: Obj = isObj(existing) ? existing : {};
        node[el] = next;
        node = next;
      }
    }
    // Members that also have children are marked with '.'.
    for (const path of sorted) {
      let node: Obj = root;
      for (const el of path) node = node[el] as Obj;
      if (Object.keys(node).some((k) => k !== '.')) node['.'] = {};
    }
    return sortKeys(root);
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    const walk = (node: Obj, path: Path): void => {
      for (const [k, child] of Object.entries(node)) {
        if (k === '.') {
          s.insert(path);
          continue;
        }
        const p = [...path, k];
        if (!isObj(child) || Object.keys(child).length === 0) s.insert(p);
        else walk(child, p);
      }
    };
    if (isObj(v)) walk(v, []);
    return s;
  }
}

export const startsWith = (p: Path, prefix: Path): boolean => prefix.length <= p.length && prefix.every((el, i) => p[i] === el);

function sortKeys(o: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o).sort()) out[k] = isObj(o[k]) ? sortKeys(o[k] as Obj) : o[k];
  return out;
}

export const fieldEl = (name: string): PathEl => `f:${name}`;

/** The element of an associative list item: `k:` and its key fields as JSON, keys sorted. */
export function keyEl(item: Obj, keys: string[]): PathEl | undefined {
  const present = [...keys].sort().filter((k) => item[k] !== undefined);
  if (present.length === 0) return undefined;
  const o: Obj = {};
  for (const k of present) o[k] = item[k];
  return `k:${JSON.stringify(o)}`;
}

export const valueEl = (v: unknown): PathEl => `v:${JSON.stringify(v)}`;
export const indexEl = (i: number): PathEl => `i:${i}`;

/** A path the way the apiserver prints it in conflicts: `.status.conditions[type="Ready"].status`. */
export function pathString(path: Path): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      if (el.startsWith('f:')) return `.${body}`;
      if (el.startsWith('k:')) {
        const o = JSON.parse(body) as Obj;
        return `[${Object.entries(o)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      if (el.startsWith('v:')) return `[=${body}]`;
      return `[${body}]`;
    })
    .join('');
}
