#!/usr/bin/env node
/**
 * gitseal review of a pull request: `gitseal verify --all --base` on the
 * files the pull request changes (or the whole repository), which also fails
 * a change to the writers or requireSignatures of any `.gitseal.yaml` since
 * the base, and `gitseal diff --git` of its encrypted files, which names who
 * signed each changed document and marks a document whose writer changed,
 * written to the job summary in fenced blocks, with those two flagged above.
 *
 * Plain Node, node: builtins only, so the composite action needs no install
 * step and the script runs the same on a laptop:
 *
 *   GITHUB_STEP_SUMMARY=/tmp/summary.md node review.mjs --base origin/main --gitseal "node dist/gitseal.mjs"
 *
 * Options (each also read from the environment, as the action passes them):
 *   --base REF     GITSEAL_REVIEW_BASE; else origin/$GITHUB_BASE_REF. The merge base with --head is compared.
 *   --head REF     GITSEAL_REVIEW_HEAD, default HEAD. verify reads the work tree, so check out the head.
 *   --gitseal CMD  GITSEAL_REVIEW_COMMAND, split on spaces; default "npx --yes gitseal@VERSION".
 *   --version V    GITSEAL_REVIEW_VERSION, default latest.
 *   --all          GITSEAL_REVIEW_ALL=true: verify every tracked file, not only the changed ones.
 * The keystore comes only from GITSEAL_REVIEW_KEY (its contents, never an
 * argument, which other processes could read); it lives in a 0600 file for
 * the run. Values are never shown: the diff runs without --show-values.
 * The writers to trust come only from GITSEAL_REVIEW_TRUST (a trust file's
 * contents, given by the workflow), never from the checked-out tree: a pull
 * request must not choose whom its own documents are checked against.
 *
 * Exit status: 0 verify passed, 1 verify failed, 2 the review could not run.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const LIMIT = 400_000; // characters per block: the job summary holds 1 MiB per step

class ReviewError extends Error {}

function options(argv, env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { base: { type: 'string' }, head: { type: 'string' }, gitseal: { type: 'string' }, version: { type: 'string' }, all: { type: 'boolean' } },
    }));
  } catch (e) {
    throw new ReviewError(e.message);
  }
  const version = values.version || env.GITSEAL_REVIEW_VERSION || 'latest';
  const command = (values.gitseal || env.GITSEAL_REVIEW_COMMAND || `npx --yes gitseal@${version}`).trim().split(/\s+/);
  return {
    base: values.base || env.GITSEAL_REVIEW_BASE || '',
    baseRef: env.GITHUB_BASE_REF || '',
    head: values.head || env.GITSEAL_REVIEW_HEAD || 'HEAD',
    command,
    all: values.all || env.GITSEAL_REVIEW_ALL === 'true',
    key: env.GITSEAL_REVIEW_KEY || '',
    trust: env.GITSEAL_REVIEW_TRUST || '',
  };
}

function run(cmd, args, cwd, env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new ReviewError(`cannot run ${cmd}: ${r.error.code ?? r.error.message}`);
  return { status: r.status ?? 2, stdout: r.stdout, stderr: r.stderr };
}

function git(args, cwd) {
  const r = run('git', args, cwd, process.env);
  if (r.status !== 0) throw new ReviewError(`git ${args[0]} failed: ${r.stderr.trim().split('\n')[0] ?? ''}`);
  return r.stdout;
}

const resolves = (ref, cwd) => run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd, process.env).status === 0;

/** The commit to compare against: the merge base of base and head, as a pull request's "Files changed" shows. */
function mergeBase(opts, cwd) {
  let base = opts.base;
  if (!base && opts.baseRef) base = [`origin/${opts.baseRef}`, opts.baseRef].find((r) => resolves(r, cwd)) ?? '';
  if (!base) throw new ReviewError('no base to compare with: set the "base" input (on a pull request it defaults to the base commit)');
  for (const ref of [base, opts.head])
    if (!resolves(ref, cwd)) throw new ReviewError(`${ref} is not a commit here: check out with fetch-depth: 0 so the base is present`);
  return git(['merge-base', base, opts.head], cwd).trim();
}

/** A Markdown fence longer than any run of backticks in `text`, so the output cannot close it. */
function fenced(text) {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const body = text.length > LIMIT ? `${text.slice(0, LIMIT)}\n… (truncated: run the command locally for the rest)` : text;
  return `${fence}text\n${body.replace(/\n*$/, '')}\n${fence}`;
}

function review(opts, cwd) {
  const top = git(['rev-parse', '--show-toplevel'], cwd).trim();
  const base = mergeBase(opts, top);
  const head = git(['rev-parse', opts.head], top).trim();
  const changed = git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=d', base, head], top).split('\0').filter(Boolean);

  const env = { ...process.env };
  delete env.GITSEAL_REVIEW_KEY;
  delete env.GITSEAL_REVIEW_TRUST;
  const scratch = opts.key || opts.trust ? mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'gitseal-review-')) : undefined;
  try {
    let keyArgs = ['--without-key'];
    if (opts.key) {
      writeFileSync(join(scratch, 'keys.yaml'), opts.key, { mode: 0o600 });
      keyArgs = ['--key', join(scratch, 'keys.yaml')];
    }
    if (opts.trust) {
      writeFileSync(join(scratch, 'trust.yaml'), opts.trust, { mode: 0o600 });
      env.GITSEAL_TRUST = join(scratch, 'trust.yaml');
    }
    const gitseal = (args) => run(opts.command[0], [...opts.command.slice(1), ...args], top, env);
    // Paths go through `verify --all`, which checks the encrypted ones and fails plaintext a creation rule matches;
    // --base compares every .gitseal.yaml with the base's, whatever the paths.
    const paths = changed.map((p) => (p.startsWith('-') ? `./${p}` : p));
    const verify = opts.all || paths.length ? gitseal(['verify', '--all', '--base', base, ...keyArgs, ...(opts.all ? [] : paths)]) : null;
    const diff = gitseal(['diff', '--git', base, head, ...keyArgs]);
    return { base, head, changed, verify, diff };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** What to look at first: documents whose writer changed (diff) and `.gitseal.yaml` files that changed who may write (verify). */
function writerFlags(r) {
  const documents = (r.diff.stdout.match(/^ {2}! writer changed: .*$/gm) ?? []).length;
  const config = [...new Set((r.verify?.stdout.match(/^.*: FAIL (writer list changed|requireSignatures turned off) .*$/gm) ?? []).map((l) => l.slice(0, l.indexOf(': FAIL '))))];
  return { documents, config };
}

function summary(r, opts) {
  const range = `${r.base.slice(0, 12)}..${r.head.slice(0, 12)}`;
  const verdict = !r.verify ? 'skipped (no changed files)' : r.verify.status === 0 ? 'passed' : r.verify.status === 1 ? 'failed' : `could not run (status ${r.verify.status})`;
  const lines = ['## gitseal review', ''];
  const flags = writerFlags(r);
  if (flags.config.length)
    lines.push(`**⚠ who may write changed**: ${flags.config.map((f) => `\`${f.replace(/[^\w./@+-]/g, '?')}\``).join(', ')} changed its writers or turned requireSignatures off (see verify): confirm with the people named before merging`, '');
  if (flags.documents)
    lines.push(`**⚠ writer changed** on ${flags.documents} document${flags.documents === 1 ? '' : 's'} (see the diff): a document signed by someone other than its last writer may be forged`, '');
  lines.push(`**verify** (${opts.all ? 'every tracked file' : `${r.changed.length} changed file${r.changed.length === 1 ? '' : 's'}`}): ${verdict}`, '');
  if (r.verify) lines.push(fenced(r.verify.stdout + r.verify.stderr), '');
  const diffVerdict = r.diff.status === 0 ? 'no changes to encrypted files' : r.diff.status === 1 ? 'changes below (values are never shown)' : `could not run (status ${r.diff.status})`;
  lines.push(`**gitseal diff** \`${range}\`: ${diffVerdict}`, '');
  if (r.diff.stdout || r.diff.status > 1) lines.push(fenced(r.diff.stdout + (r.diff.status > 1 ? r.diff.stderr : '')), '');
  return lines.join('\n');
}

function main() {
  const env = process.env;
  const write = (file, text) => file && appendFileSync(file, text);
  let status;
  try {
    const opts = options(process.argv.slice(2), env);
    const r = review(opts, process.cwd());
    const text = summary(r, opts);
    process.stdout.write(text);
    write(env.GITHUB_STEP_SUMMARY, text);
    const verified = !r.verify ? 'skipped' : r.verify.status === 0 ? 'passed' : 'failed';
    const flags = writerFlags(r);
    write(env.GITHUB_OUTPUT, `verify=${verified}\ndifferences=${r.diff.status === 1}\nwriters-changed=${flags.documents + flags.config.length > 0}\n`);
    status = r.verify && r.verify.status !== 0 ? (r.verify.status === 1 ? 1 : 2) : r.diff.status > 1 ? 2 : 0;
  } catch (e) {
    if (!(e instanceof ReviewError)) throw e;
    const text = `## gitseal review\n\n**could not run**: ${e.message}\n`;
    process.stderr.write(text);
    write(env.GITHUB_STEP_SUMMARY, text);
    status = 2;
  }
  process.exitCode = status;
}

main();
