/**
 * `gitseal git pre-commit`, the guard the pre-commit hook runs: reads each
 * staged file from the index (what would be committed, not the work tree)
 * and refuses the commit (exit 1) when one holds private key material, a
 * plaintext Secret, an unencrypted file a creation rule names, or merge
 * conflict markers in an encrypted file (core/review/commit-guard.ts). Which files
 * the creation rules name is read from the work tree's `.gitseal.yaml`.
 */
import { dirname, join } from 'node:path';
import { inspectStaged, type Finding } from '../../core/review/commit-guard.js';
import { findConfig, policyFor } from '../config.js';
import { repoTop, stagedContent, stagedFiles } from '../git-repo.js';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';

/** Binary files (a NUL byte near the start, as git decides) are not YAML, JSON or PEM text. */
const isBinary = (b: Buffer): boolean => b.subarray(0, 8000).includes(0);

export async function run(): Promise<number> {
  const top = await repoTop(process.cwd());
  const refused: Array<{ path: string; findings: Finding[] }> = [];
  for (const path of await stagedFiles(top)) {
    const content = await stagedContent(top, path);
    if (isBinary(content)) continue;
    const abs = join(top, path);
    const mustBeEncrypted = policyFor(findConfig(dirname(abs)), abs).matched;
    const findings = inspectStaged({ path, text: content.toString('utf8'), mustBeEncrypted });
    if (findings.length) refused.push({ path, findings });
  }
  for (const r of refused) for (const f of r.findings) process.stderr.write(`gitseal pre-commit: refusing ${r.path}: ${f.why}\n`);
  if (refused.length === 0) return 0;
  process.stderr.write(
    `gitseal pre-commit: commit refused (${refused.length} file(s)). Fix and stage them again; if this is a false alarm, "git commit --no-verify" skips the guard.\n`,
  );
  return EXIT_CHECK_FAILED;
}
