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
 *   --base REF       GITSEAL_REVIEW_BASE; else origin/$GITHUB_BASE_REF. The merge base with --head is compared.
 *   --head REF       GITSEAL_REVIEW_HEAD, default HEAD. verify reads the work tree, so check out the head.
 *   --version V      GITSEAL_REVIEW_VERSION: the exact gitseal version to install (required without --gitseal).
 *   --integrity SRI  GITSEAL_REVIEW_INTEGRITY: sha512-… of that version's package tarball (required without --gitseal).
 *   --registry URL   GITSEAL_REVIEW_REGISTRY, default https://registry.npmjs.org/.
 *   --gitseal CMD    GITSEAL_REVIEW_COMMAND, split on spaces: run this instead of installing (gitseal's own CI,
 *                    which reviews its pull requests with the gitseal they build; never with a key).
 *   --all            GITSEAL_REVIEW_ALL=true: verify every tracked file, not only the changed ones.
 *   --allow-config-change  GITSEAL_REVIEW_ALLOW_CONFIG_CHANGE=true: a change to .gitseal.yaml, .gitattributes
 *                    or the hooks is flagged but does not fail the review.
 *
 * The install (issue 15): `npm pack gitseal@VERSION` from the pinned registry,
 * run in a temporary folder outside the checkout with empty user and global
 * config and no npm_config_* variables, so no `.npmrc` of the pull request
 * chooses where it comes from; the tarball's sha512 must equal --integrity
 * before it is unpacked, and its bin runs with this Node. Nothing it depends
 * on is installed (the bin is a bundle), and no install script runs.
 *
 * The checks run by the base: `verify --review` takes creation rules,
 * recipients and writers from the base's `.gitseal.yaml` files and fails any
 * plaintext `kind: Secret`; a pull request that changes `.gitseal.yaml`,
 * `.gitattributes` or the hooks fails unless --allow-config-change.
 *
 * Exit status: 0 verify passed, 1 verify failed, 2 the review could not run.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const LIMIT = 400_000; // characters per block: the job summary holds 1 MiB per step
const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';
/** An exact version: a range or a tag ("latest") would let the registry choose what runs. */
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const SHA512_SRI = /^sha512-[A-Za-z0-9+/]{86}==$/;
/** Files that decide what the review checks or what runs on a developer's machine: a change to them needs a maintainer's yes. */
const REVIEW_CONFIG = [/(^|\/)\.gitseal\.yaml$/, /(^|\/)\.gitattributes$/, /^\.githooks\//, /^\.husky\//, /^\.pre-commit-config\.ya?ml$/, /^\.?lefthook\.ya?ml$/];

class ReviewError extends Error {}

function options(argv, env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        base: { type: 'string' },
        head: { type: 'string' },
        gitseal: { type: 'string' },
        version: { type: 'string' },
        integrity: { type: 'string' },
        registry: { type: 'string' },
        all: { type: 'boolean' },
        'allow-config-change': { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new ReviewError(e.message);
  }
  const command = (values.gitseal || env.GITSEAL_REVIEW_COMMAND || '').trim();
  const install = command ? null : pinned(values.version || env.GITSEAL_REVIEW_VERSION || '', values.integrity || env.GITSEAL_REVIEW_INTEGRITY || '', values.registry || env.GITSEAL_REVIEW_REGISTRY || DEFAULT_REGISTRY);
  return {
    command: command ? command.split(/\s+/) : null,
    install,
    allowConfigChange: values['allow-config-change'] || env.GITSEAL_REVIEW_ALLOW_CONFIG_CHANGE === 'true',
    base: values.base || env.GITSEAL_REVIEW_BASE || '',
    baseRef: env.GITHUB_BASE_REF || '',
    head: values.head || env.GITSEAL_REVIEW_HEAD || 'HEAD',
    all: values.all || env.GITSEAL_REVIEW_ALL === 'true',
    key: env.GITSEAL_REVIEW_KEY || '',
    trust: env.GITSEAL_REVIEW_TRUST || '',
  };
}

/** The package to install, checked: an exact version, a sha512 SRI, an https registry (http only on loopback, for tests). */
function pinned(version, integrity, registry) {
  if (!EXACT_VERSION.test(version)) throw new ReviewError(`"version" must be an exact gitseal version such as 0.1.0${version ? ', not a range or tag' : ''}`);
  if (!SHA512_SRI.test(integrity)) throw new ReviewError('"integrity" must be the sha512 of the package tarball, "sha512-…" (npm view gitseal@VERSION dist.integrity)');
  let url;
  try {
    url = new URL(registry);
  } catch {
    throw new ReviewError('"registry" must be a URL');
  }
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new ReviewError('"registry" must be an https URL');
  return { version, integrity, registry: url.href };
}

/** The environment npm runs in: none of the caller's npm_config_* (they would override the empty config files). */
function npmEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && !k.startsWith('GITSEAL_')));
}

/**
 * Downloads the pinned gitseal into `scratch` (outside the checkout), checks the tarball's sha512
 * against the pinned integrity before anything of it is unpacked or run, and returns the command
 * that runs its bin with this Node.
 */
function installGitseal(pin, scratch) {
  const dir = join(scratch, 'gitseal');
  const unpacked = join(dir, 'unpacked');
  mkdirSync(unpacked, { recursive: true });
  // Empty user and global config (two files: npm refuses one for both); the project config is --prefix's, empty too.
  const [user, global] = [join(dir, 'user-npmrc'), join(dir, 'global-npmrc')];
  writeFileSync(user, '');
  writeFileSync(global, '');
  const config = ['--registry', pin.registry, '--userconfig', user, '--globalconfig', global, '--prefix', dir, '--cache', join(dir, 'cache')];
  const pack = run('npm', ['pack', `gitseal@${pin.version}`, ...config, '--pack-destination', dir, '--ignore-scripts', '--json', '--loglevel', 'error'], dir, npmEnv());
  if (pack.status !== 0) throw new ReviewError(`npm pack gitseal@${pin.version} from ${pin.registry} failed: ${pack.stderr.trim().split('\n').find((l) => l.includes('ERR')) ?? `status ${pack.status}`}`);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new ReviewError(`npm pack gitseal@${pin.version} wrote no tarball`);
  const got = `sha512-${createHash('sha512').update(readFileSync(join(dir, tarball))).digest('base64')}`;
  if (got !== pin.integrity) throw new ReviewError(`gitseal ${pin.version} from ${pin.registry} is ${got}, not the pinned integrity: nothing of it was run`);
  const tar = run('tar', ['-xzf', join(dir, tarball), '-C', unpacked, '--no-same-owner', '--no-same-permissions'], dir, npmEnv());
  if (tar.status !== 0) throw new ReviewError(`cannot unpack gitseal ${pin.version}: ${tar.stderr.trim().split('\n')[0] ?? ''}`);
  const root = join(unpacked, 'package');
  let bin;
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.gitseal;
  } catch {
    // below
  }
  const path = typeof bin === 'string' ? resolve(root, bin) : '';
  if (!path || relative(root, path).startsWith(`..${sep}`)) throw new ReviewError(`gitseal ${pin.version} names no gitseal bin in its package.json`);
  return [process.execPath, path];
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
  // Deleted ones too: removing a .gitseal.yaml or a hook is a change to what is checked.
  const configChanged = git(['diff', '--name-only', '-z', '--no-renames', base, head], top)
    .split('\0')
    .filter((p) => REVIEW_CONFIG.some((re) => re.test(p)));

  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GITSEAL_REVIEW_')));
  // RUNNER_TEMP is outside the checkout: the install, the key and the trust file never sit in the pull request's tree.
  const scratch = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'gitseal-review-'));
  try {
    const command = opts.command ?? installGitseal(opts.install, scratch);
    let keyArgs = ['--without-key'];
    if (opts.key) {
      writeFileSync(join(scratch, 'keys.yaml'), opts.key, { mode: 0o600 });
      keyArgs = ['--key', join(scratch, 'keys.yaml')];
    }
    if (opts.trust) {
      writeFileSync(join(scratch, 'trust.yaml'), opts.trust, { mode: 0o600 });
      env.GITSEAL_TRUST = join(scratch, 'trust.yaml');
    }
    // verify --all finds the repository from its working folder, so gitseal runs in the checkout; Node loads nothing
    // from there (the bin is an absolute path outside it), and what gitseal reads there is data.
    const gitseal = (args) => run(command[0], [...command.slice(1), ...args], top, env);
    // Paths go through `verify --all --review`, which checks the encrypted ones by the base's .gitseal.yaml, fails
    // plaintext a creation rule of the base matches and any plaintext kind: Secret; --base compares every
    // .gitseal.yaml with the base's, whatever the paths.
    const paths = changed.map((p) => (p.startsWith('-') ? `./${p}` : p));
    const verify = opts.all || paths.length ? gitseal(['verify', '--all', '--base', base, '--review', ...keyArgs, ...(opts.all ? [] : paths)]) : null;
    const diff = gitseal(['diff', '--git', base, head, ...keyArgs]);
    return { base, head, changed, configChanged, verify, diff };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
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
  if (r.configChanged.length)
    lines.push(
      `**⚠ review configuration changed**: ${r.configChanged.map((f) => `\`${f.replace(/[^\w./@+-]/g, '?')}\``).join(', ')}. The checks below use the base's .gitseal.yaml; ${
        opts.allowConfigChange ? 'allowed for this run (allow-config-change)' : 'this fails the review until a maintainer allows it (allow-config-change, e.g. from a label)'
      }`,
      '',
    );
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
    const configChanged = r.configChanged.length > 0;
    write(env.GITHUB_OUTPUT, `verify=${verified}\ndifferences=${r.diff.status === 1}\nwriters-changed=${flags.documents + flags.config.length > 0}\nconfig-changed=${configChanged}\n`);
    status = r.verify && r.verify.status !== 0 ? (r.verify.status === 1 ? 1 : 2) : r.diff.status > 1 ? 2 : configChanged && !opts.allowConfigChange ? 1 : 0;
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
