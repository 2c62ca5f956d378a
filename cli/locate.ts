import { fail } from '../core/errors.js';
import type { Path } from '../core/format/name-tokens.js';
import { formatPath, type Leaf } from '../core/format/plain-document.js';

const startsWith = (path: Path, prefix: Path) => prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);

/**
 * The document of a multi-document file that holds `path`: the first whose
 * values lie at or under it, or, for a new key, the first with its parent.
 * Throws E_PATH when no document has it, or when a value sits above it
 * (`stringData.dsn.x` where `stringData.dsn` is a value: nothing can be below a value).
 */
export function locate(docs: readonly (readonly Leaf[])[], path: Path, allowNew: boolean): number {
  const exact = docs.findIndex((leaves) => leaves.some((l) => startsWith(l.path, path)));
  if (exact >= 0) return exact;
  if (allowNew) {
    // The parent must be a mapping or list: a value of its own lies below it.
    const parent = path.slice(0, -1);
    const i = docs.findIndex((leaves) => parent.length === 0 || leaves.some((l) => l.path.length > parent.length && startsWith(l.path, parent)));
    if (i >= 0) return i;
  }
  refuseBelowValue(docs, path);
  return fail('E_PATH', `${formatPath(path)} is not in the file`);
}

function refuseBelowValue(docs: readonly (readonly Leaf[])[], path: Path): void {
  for (const leaves of docs) {
    const above = leaves.find((l) => l.path.length < path.length && startsWith(path, l.path));
    if (above) fail('E_PATH', `${formatPath(above.path)} is a value, not a mapping or list: nothing can be set or removed below it (${formatPath(path)})`);
  }
}
