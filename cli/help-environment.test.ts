/**
 * `gitseal help environment` names every environment variable the sources
 * read: the GITSEAL_ names they mention, and the variables they read by
 * name (process.env.X, env.X, env['X']). A new one fails here until the
 * topic has its line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../test/helpers/cli.js';
import { ENVIRONMENT, environmentText } from './help-environment.js';

/** What ships: the sources the CLI, the service and the controller are built from, without their tests. */
const PRODUCTION = ['cli', 'core', 'kms', 'controller', 'migrate', 'runtime'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = PRODUCTION.flatMap((d) => sources(join(ROOT, d))).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

/** Each name `pattern` finds, with the first file it is in. */
function found(pattern: RegExp): Map<string, string> {
  const names = new Map<string, string>();
  for (const { path, text } of files) for (const m of text.matchAll(pattern)) if (!names.has(m[1]!)) names.set(m[1]!, path);
  return names;
}

// GITSEAL_ names in the sources that are no variable anyone sets.
const NOT_VARIABLES: Readonly<Record<string, string>> = {
  GITSEAL_SCOPE: 'a table of migrate/sealed-secrets/convert.ts',
  GITSEAL_VERSION: 'the version the bundler writes in (cli/version.ts, build-options.mjs)',
  GITSEAL_DEV_ROOT_PASSPHRASE: 'serve --dev sets it for the root it makes itself (kms/service/dev-setup.ts)',
};

const listed = ENVIRONMENT.flatMap((g) => g.variables.map(([name]) => name));

describe('gitseal help environment', () => {
  it('names every GITSEAL_ variable the sources mention', () => {
    const missing = [...found(/\b(GITSEAL_[A-Z0-9_]*[A-Z0-9])\b/g)].filter(([name]) => !listed.includes(name) && !(name in NOT_VARIABLES));
    expect(missing.map(([name, path]) => `${name} (${path})`)).toEqual([]);
  });

  it('names every variable the sources read by name', () => {
    const reads = found(/(?:process\.env|(?<![.\w])env)(?:\.|\[['"])([A-Z_][A-Z0-9_]*)\b/g);
    expect(reads.size).toBeGreaterThan(20);
    const missing = [...reads].filter(([name]) => !listed.includes(name) && !(name in NOT_VARIABLES));
    expect(missing.map(([name, path]) => `${name} (${path})`)).toEqual([]);
  });

  it('names only variables the sources mention, once each; the exceptions above are still in them, and not in the topic', () => {
    const everything = files.map((f) => f.text).join('\n');
    for (const name of listed) expect(everything, name).toMatch(new RegExp(`\\b${name}\\b`));
    expect(new Set(listed).size).toBe(listed.length);
    for (const name of Object.keys(NOT_VARIABLES)) {
      expect(everything, name).toMatch(new RegExp(`\\b${name}\\b`));
      expect(listed).not.toContain(name);
    }
  });

  it('prints one line a variable, in 100 columns', () => {
    const lines = environmentText(100).split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
    for (const name of listed) expect(lines.filter((l) => l.startsWith(`  ${name} `)), name).toHaveLength(1);
    for (const group of ENVIRONMENT) expect(lines).toContain(`${group.title}:`);
  });
});
