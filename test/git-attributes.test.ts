/** path_regex → .gitattributes globs, and the managed block: pure functions, no git. */
import { describe, expect, it } from 'vitest';
import { BLOCK_END, renderBlock, withBlock } from '../cli/git-attributes.js';
import { regexToGlobs } from '../cli/path-regex-glob.js';

describe('regexToGlobs', () => {
  const cases: Array<[string, string[] | null]> = [
    // The rule `gitseal init` writes (cli/config.ts renderConfig).
    ['(^|/)[^/]*secret[^/]*\\.(ya?ml|json)$', ['*secret*.yaml', '*secret*.yml', '*secret*.json']],
    ['\\.enc\\.ya?ml$', ['*.enc.yaml', '*.enc.yml']],
    ['.*\\.enc\\.json$', ['*.enc.json']],
    ['^secrets/.*\\.yaml$', ['/secrets/**/*.yaml']],
    ['^secrets/[^/]+\\.yaml$', ['/secrets/?*.yaml']],
    ['(?:^|/)k8s/[^/]*\\.sealed\\.yaml$', ['**/k8s/*.sealed.yaml']],
    ['^deploy/.*', ['/deploy/**']],
    ['secrets/[^/]*\\.json$', ['**/*secrets/*.json']],
    ['^env-[a-z]\\.yaml$', ['/env-[a-z].yaml']],
    // No exact glob: the caller falls back to every YAML/JSON file.
    ['secrets?/.+\\.ya?ml', null],
    ['secret', null],
    ['^k8s/.*secret.*\\.yaml$', null],
    ['a.yaml$', null],
    ['\\d+\\.yaml$', null],
    ['(?=x)\\.yaml$', null],
    ['[^a]*\\.yaml$', null],
  ];
  for (const [source, globs] of cases) {
    it(`${source} → ${globs ? globs.join(' ') : 'no glob'}`, () => {
      expect(regexToGlobs(new RegExp(source).source)).toEqual(globs);
    });
  }
});

describe('the managed .gitattributes block', () => {
  const block = renderBlock({ patterns: ['*secret*.yaml'] });
  it('is appended once and replaced in place', () => {
    const once = withBlock('*.png binary', block);
    expect(once).toBe(`*.png binary\n${block}`);
    expect(withBlock(once, block)).toBe(once);
    const changed = withBlock(`${once}*.sh text\n`, renderBlock({ patterns: ['*.yaml'], fallback: 'x' }));
    expect(changed.startsWith('*.png binary\n# >>> gitseal')).toBe(true);
    expect(changed.endsWith(`${BLOCK_END}\n*.sh text\n`)).toBe(true);
    expect(changed).toContain('\n*.yaml diff=gitseal merge=gitseal\n');
    expect(changed).not.toContain('*secret*');
  });
});
