/**
 * The `.gitattributes` block `gitseal git setup` manages: which paths go
 * through the gitseal diff (textconv) and merge drivers. Derived from the
 * creation rules of `.gitseal.yaml` (cli/path-regex-glob.ts says which
 * regexes have an exact glob); when one has none, or there is no
 * configuration at the top, every YAML/JSON file goes through the drivers,
 * which is safe because both pass files that gitseal did not encrypt
 * through unchanged (textconv prints them, merge runs `git merge-file`).
 */
import { realpathSync } from 'node:fs';
import type { Config } from './config.js';
import { regexToGlobs } from './path-regex-glob.js';

export const BLOCK_BEGIN = '# >>> gitseal: managed by "gitseal git setup"; lines up to "# <<< gitseal" are rewritten by it';
export const BLOCK_END = '# <<< gitseal';
export const CATCH_ALL = ['*.yaml', '*.yml', '*.json'] as const;
export const ATTRIBUTES = 'diff=gitseal merge=gitseal';

export interface AttributePlan {
  readonly patterns: readonly string[];
  /** Why the catch-all was used, when it was. */
  readonly fallback?: string;
}

const samePath = (a: string, b: string): boolean => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
};

/** The patterns for a repository whose top is `top`, given the configuration found from there. */
export function planAttributes(config: Config | null, top: string): AttributePlan {
  const fallback = (why: string): AttributePlan => ({ patterns: [...CATCH_ALL], fallback: why });
  if (!config) return fallback('no .gitseal.yaml');
  if (!samePath(config.dir, top)) return fallback(`${config.file} is not at the top of the repository`);
  if (config.rules.length === 0) return fallback('.gitseal.yaml has no creation rules');
  const patterns: string[] = [];
  for (const [i, rule] of config.rules.entries()) {
    const globs = regexToGlobs(rule.pathRegex.source);
    if (!globs) return fallback(`creation rule ${i + 1}'s path_regex has no exact glob`);
    for (const g of globs) if (!patterns.includes(g)) patterns.push(g);
  }
  return { patterns };
}

export function renderBlock(plan: AttributePlan): string {
  const lines = [BLOCK_BEGIN];
  if (plan.fallback) lines.push(`# every YAML/JSON file (${plan.fallback}); the drivers pass files gitseal did not encrypt through unchanged`);
  else lines.push('# from the creation rules of .gitseal.yaml');
  for (const p of plan.patterns) lines.push(`${p} ${ATTRIBUTES}`);
  lines.push(BLOCK_END);
  return lines.join('\n') + '\n';
}

/** `existing` with the managed block replaced, or appended when absent. Applying it twice changes nothing. */
export function withBlock(existing: string, block: string): string {
  const lines = existing.split('\n');
  const begin = lines.findIndex((l) => l.startsWith('# >>> gitseal'));
  const end = begin < 0 ? -1 : lines.findIndex((l, i) => i > begin && l === BLOCK_END);
  if (begin >= 0 && end > begin) return [...lines.slice(0, begin), block.replace(/\n$/, ''), ...lines.slice(end + 1)].join('\n');
  if (existing === '') return block;
  return existing + (existing.endsWith('\n') ? '' : '\n') + block;
}
