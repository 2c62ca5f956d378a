/**
 * `gitseal verify FILE...` and `gitseal verify --all [PATH...]`: reports
 * every file and document; status 1 when any has a problem.
 */
import { fail, isGitsealError } from '../../core/errors.js';
import type { Identity } from '../../core/crypto/recipients/types.js';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';
import { loadIdentities } from '../keys.js';
import { verifyFile, type FileReport } from '../verify-file.js';
import type { VerifyOptions } from './verify.command.js';

export { verifyFile, type DocumentReport, type FileReport, type Problem } from '../verify-file.js';

async function identitiesAtHand(opts: VerifyOptions): Promise<Identity[] | null> {
  if (opts.withoutKey) return null;
  try {
    return await loadIdentities(opts.key);
  } catch (e) {
    if (isGitsealError(e, 'E_NO_KEY')) return null;
    throw e;
  }
}

function describe(r: FileReport): string {
  if (r.problems.length) return r.problems.map((p) => `${r.file}: FAIL ${p.message} [${p.code}]`).join('\n');
  return r.documents
    .map((d) => {
      const what = `${r.file}#${d.index + 1} ${d.mode === 'secret' ? `${d.namespace ?? '-'}/${d.name ?? '-'}` : 'generic'} (${d.values} values, scope ${d.scope}, MAC ${d.mac})`;
      return d.problems.length ? d.problems.map((p) => `${what}: FAIL ${p.message} [${p.code}]`).join('\n') : `${what}: ok`;
    })
    .join('\n');
}

/** `--all`: the repository's tracked files (or those under FILE...), then a summary line. */
async function runAll(paths: string[], identities: Identity[] | null, json: boolean): Promise<number> {
  const { verifyRepo, describeSummary } = await import('../verify-repo.js');
  const report = await verifyRepo(process.cwd(), paths, identities);
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write([...report.files.map(describe), describeSummary(report.summary)].join('\n') + '\n');
  return report.ok ? 0 : EXIT_CHECK_FAILED;
}

export async function run(opts: VerifyOptions): Promise<number> {
  const files = opts.files ?? [];
  if (!opts.all && files.length === 0) fail('E_USAGE', 'name the files to verify, or pass --all to verify the git repository');
  const identities = await identitiesAtHand(opts);
  if (opts.all) return runAll(files, identities, Boolean(opts.json));
  const reports = files.map((file) => verifyFile(file, identities));
  if (opts.json) process.stdout.write(JSON.stringify({ ok: reports.every((r) => r.ok), files: reports }, null, 2) + '\n');
  else process.stdout.write(reports.map(describe).join('\n') + '\n');
  return reports.every((r) => r.ok) ? 0 : EXIT_CHECK_FAILED;
}
