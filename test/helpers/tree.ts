/** Looking at folders after a command: what changed, what was left behind, what leaked. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `root` (symlinks not followed), with its path relative to root. */
export function* walk(root: string, maxDepth = 12): Generator<{ path: string; rel: string; mtimeMs: number; ctimeMs: number; size: number; mode: number }> {
  const stack: Array<[string, number]> = [[root, 0]];
  while (stack.length) {
    const [dir, depth] = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const name of names) {
      const p = join(dir, name);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (depth < maxDepth) stack.push([p, depth + 1]);
      } else if (st.isFile()) yield { path: p, rel: relative(root, p), mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, size: st.size, mode: st.mode & 0o777 };
    }
  }
}

/** relative path → sha256 of the bytes, for "nothing changed" checks. */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of walk(root)) out[f.rel] = createHash('sha256').update(readFileSync(f.path)).digest('hex');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Temporary files of cli/files.ts writeAtomic (`.NAME.gitseal-HEX.tmp`) left under root. */
export function tempLeftovers(root: string): string[] {
  return [...walk(root)].filter((f) => /(^|\/)\.[^/]*\.gitseal-[0-9a-f]+\.tmp$/.test(f.rel)).map((f) => f.rel);
}

/**
 * Files under `roots` changed since `sinceMs` that contain any of `needles`.
 * Large files (over `maxBytes`) are skipped: gitseal writes nothing that big here.
 */
export function filesContaining(roots: readonly string[], needles: readonly string[], sinceMs: number, maxBytes = 8 * 1024 * 1024): string[] {
  const hits: string[] = [];
  for (const root of roots) {
    for (const f of walk(root)) {
      if (Math.max(f.mtimeMs, f.ctimeMs) < sinceMs - 2000 || f.size > maxBytes) continue;
      let text: string;
      try {
        text = readFileSync(f.path, 'latin1');
      } catch {
        continue;
      }
      for (const n of needles) if (text.includes(n)) hits.push(`${f.path} contains ${n.slice(0, 12)}…`);
    }
  }
  return hits;
}
