/**
 * `gitseal verify FILE...` and `gitseal verify --all [PATH...]`: reports
 * every file and document, with its writer, and every `.gitseal.yaml` whose
 * writers changed since the base; status 1 when any has a problem.
 */
import { dirname, resolve } from 'node:path';
import { fail, isGitsealError } from '../../core/errors.js';
import type { Identity } from '../../core/crypto/recipients/types.js';
import { chosenConfig } from '../config.js';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';
import { loadIdentities } from '../keys.js';
import { progress } from '../progress.js';
import { configBaseline, type ConfigReport } from '../verify-config.js';
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
      const writer = d.writer ? `, ${d.writer.text}` : '';
      const what = `${r.file}#${d.index + 1} ${d.mode === 'secret' ? `${d.namespace ?? '-'}/${d.name ?? '-'}` : 'generic'} (${d.values} values, scope ${d.scope}, MAC ${d.mac})${writer}`;
      return d.problems.length ? d.problems.map((p) => `${what}: FAIL ${p.message} [${p.code}]`).join('\n') : `${what}: ok`;
    })
    .join('\n');
}

const describeConfig = (c: ConfigReport): string => c.problems.map((p) => `${c.file}: FAIL ${p.message} [${p.code}]`).join('\n');

/** Without a requirement an unsigned or untrusted document passes; it is still worth a warning, on stderr. */
function warnUnaccepted(files: readonly FileReport[]): void {
  const n = files.flatMap((f) => f.documents).filter((d) => d.problems.length === 0 && (d.writer?.status === 'unsigned' || d.writer?.status === 'untrusted')).length;
  if (n)
    process.stderr.write(
      `gitseal: warning: ${n} document${n === 1 ? ' is' : 's are'} unsigned or signed by a writer you do not trust; anyone with the public recipient can write such a document, and requireSignatures: true refuses it\n`,
    );
}

/** `--all`: the repository's tracked files (or those under FILE...), then a summary line. */
async function runAll(paths: string[], identities: Identity[] | null, json: boolean, base: string | undefined, review: boolean): Promise<number> {
  const { verifyRepo, describeSummary } = await import('../verify-repo.js');
  const report = await verifyRepo(process.cwd(), paths, identities, base, review);
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write([...report.config.map(describeConfig), ...report.files.map(describe), describeSummary(report.summary, report.base)].join('\n') + '\n');
  warnUnaccepted(report.files);
  return report.ok ? 0 : EXIT_CHECK_FAILED;
}

export async function run(opts: VerifyOptions): Promise<number> {
  const files = opts.files ?? [];
  if (!opts.all && files.length === 0) fail('E_USAGE', 'name the files to verify, or pass --all to verify the git repository');
  // The base's rules are what a pull request cannot change: without an explicit base there is nothing to hold it to.
  if (opts.review && (!opts.all || opts.base === undefined)) fail('E_USAGE', '--review needs --all and --base, e.g. gitseal verify --all --base main --review');
  // A review holds each file to the base commit's own .gitseal.yaml files; one named file would replace them.
  if (opts.review && chosenConfig() !== undefined) fail('E_USAGE', '--review takes the rules from the base commit: it does not go with --config or GITSEAL_CONFIG');
  const identities = await identitiesAtHand(opts);
  if (opts.all) return runAll(files, identities, Boolean(opts.json), opts.base, Boolean(opts.review));
  const baseline = await configBaseline(process.cwd(), opts.base);
  const tick = progress('verifying');
  const reports = files.map((file, n) => {
    const report = verifyFile(file, identities, baseline);
    tick(n + 1, files.length);
    return report;
  });
  const config = baseline ? baseline.compare(files.map((f) => (f === '-' ? process.cwd() : dirname(resolve(f))))) : [];
  const ok = reports.every((r) => r.ok) && config.length === 0;
  if (opts.json) process.stdout.write(JSON.stringify({ ok, base: baseline?.base ?? null, config, files: reports }, null, 2) + '\n');
  else process.stdout.write([...config.map(describeConfig), ...reports.map(describe)].join('\n') + '\n');
  warnUnaccepted(reports);
  return ok ? 0 : EXIT_CHECK_FAILED;
}
