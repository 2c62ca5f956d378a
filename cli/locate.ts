import { fail } from '../core/errors.js';
import type { Path } from '../core/format/name-tokens.js';
import { formatPath, type Leaf } from '../core/format/plain-document.js';

const startsWith = (path: Path, prefix: Path) => prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);

/**
 * The document of a multi-document file that holds `path`: the first whose
 * values lie at or under it, or, for a new key, the first with its parent.
 */
export function locate(docs: readonly (readonly Leaf[])[], path: Path, allowNew: boolean): number {
  const exact = docs.findIndex((leaves) => leaves.some((l) => startsWith(l.path, path)));
  if (exact >= 0) return exact;
  if (allowNew) {
    const parent = path.slice(0, -1);
    const i = docs.findIndex((leaves) => parent.length === 0 || leaves.some((l) => startsWith(l.path, parent)));
    if (i >= 0) return i;
  }
  return fail('E_PATH', `${formatPath(path)} is not in the file`);
}
