/**
 * `gitseal diff A B` and `gitseal diff --git BASE [HEAD] [PATH...]`:
 * semantic diff of encrypted files (core/review/diff.ts). Exit status as diff(1):
 * 0 no differences, 1 differences, the error's status when a file could not
 * be compared (the others are still reported).
 */
import { dirname, join, resolve } from 'node:path';
import { diffFile, fileDiffers, looksEncrypted, type FileDiff, type FileSide } from '../../core/review/diff-file.js';
import { fail } from '../../core/errors.js';
import type { Identity } from '../../core/crypto/recipients/types.js';
import { configPerFolder, policyFor } from '../config.js';
import { EXIT_CHECK_FAILED, EXIT_CODES } from '../exit-codes.js';
import { readInput } from '../files.js';
import { identitiesFor as keysFor, keyAtHand } from '../keys.js';
import type { FilePair, GitRange } from '../diff-git.js';
import { renderErrors, renderText } from '../diff-render.js';
import { afterDoubleDash } from '../double-dash.js';
import { writerTrust, type WriterTrust } from '../writer.js';
import type { DiffCommandOptions } from './diff.command.js';

interface DiffOptions {
  readonly json: boolean;
  readonly showValues: boolean;
  readonly withoutKey: boolean;
  readonly key: string | undefined;
  /** --git BASE; undefined compares two files. */
  readonly git: string | undefined;
  readonly args: string[];
  /** Arguments after `--`: always paths. */
  readonly literal: string[];
}

function optionsOf(opts: DiffCommandOptions): DiffOptions {
  return {
    json: opts.json === true,
    showValues: opts.showValues === true,
    withoutKey: opts.withoutKey === true,
    key: typeof opts.key === 'string' ? opts.key : undefined,
    git: opts.git === undefined ? undefined : String(opts.git),
    args: (opts.args ?? []).map(String),
    literal: afterDoubleDash(opts),
  };
}

function sideOfFile(file: string): FileSide {
  const text = readInput(file);
  return text.slice(0, 8000).includes('\0') ? { kind: 'binary' } : { kind: 'text', text };
}

function filePairs(o: DiffOptions): FilePair[] {
  const files = [...o.args, ...o.literal];
  if (files.length !== 2) fail('E_USAGE', 'name two files (gitseal diff A B), or compare with git: gitseal diff --git BASE [HEAD] [PATH...]');
  const [a, b] = files as [string, string];
  if (a === '-' && b === '-') fail('E_USAGE', 'only one of the two files can be standard input');
  return [{ path: b, oldPath: a, before: sideOfFile(a), after: sideOfFile(b) }];
}

async function gitPairs(o: DiffOptions): Promise<{ range: GitRange; pairs: FilePair[] }> {
  const { changedFiles, resolveRange } = await import('../diff-git.js');
  const range = await resolveRange(process.cwd(), o.git!, o.args, o.literal);
  return { range, pairs: await changedFiles(process.cwd(), range) };
}

/**
 * The key, when one is at hand and something encrypted is to be compared:
 * without one (and without --show-values) the diff is by token. A keystore
 * named by --key or GITSEAL_KEY_FILE that cannot be read is an error.
 */
async function identitiesFor(o: DiffOptions, pairs: readonly FilePair[]): Promise<Identity[] | null> {
  if (o.withoutKey) return null;
  if (!keyAtHand(o.key)) {
    if (o.showValues) fail('E_NO_KEY', '--show-values needs a key: pass --key KEYFILE, set GITSEAL_KEY_FILE or GITSEAL_SERVER');
    return null;
  }
  const texts = pairs.flatMap((p) => [p.before, p.after]).flatMap((s) => (s.kind === 'text' && looksEncrypted(s.text) ? [s.text] : []));
  return texts.length ? keysFor(texts, o.key) : null;
}

/**
 * Whose signatures the reader accepts for a file: their trust file and own writer key, and, named
 * but not trusted, the writers of the `.gitseal.yaml` that applies to it (read once per folder).
 */
function trustPerFile(): (file: string) => WriterTrust {
  const configIn = configPerFolder();
  const trusts = new Map<string, WriterTrust>();
  return (file) => {
    const config = configIn(dirname(file));
    const key = config?.file ?? '';
    let trust = trusts.get(key);
    if (!trust) trusts.set(key, (trust = writerTrust(policyFor(config, file))));
    return trust;
  };
}

/** Two files that are not gitseal's are an error here; under --git they are simply not listed. */
function asTwoFiles(f: FileDiff): FileDiff {
  if (f.status !== 'not-encrypted' && f.status !== 'skipped') return f;
  const message = `neither ${f.oldPath ?? f.path} nor ${f.path} is encrypted by gitseal${f.status === 'skipped' ? ' (binary)' : ''}: compare them with diff(1)`;
  return { ...f, status: 'error', error: { code: 'E_NOT_ENCRYPTED', message } };
}

export async function run(opts: DiffCommandOptions): Promise<number> {
  const o = optionsOf(opts);
  if (o.showValues && o.withoutKey) fail('E_USAGE', '--show-values needs the key that --without-key declines: use one or the other');
  const { range, pairs } = o.git !== undefined ? await gitPairs(o) : { range: null, pairs: filePairs(o) };
  const identities = await identitiesFor(o, pairs);
  const trustOf = trustPerFile();
  const compared = pairs.map((p) => {
    // The `.gitseal.yaml` of the work tree's file (under --git), else of the file that is not standard input.
    const trust = trustOf(range ? join(range.top, p.path) : resolve(p.path === '-' && p.oldPath ? p.oldPath : p.path));
    return diffFile(p.path, p.before, p.after, { identities, showValues: o.showValues, trusted: trust.writers, declared: trust.declared }, p.oldPath);
  });
  const files = range ? compared.filter((f) => f.status !== 'not-encrypted') : compared.map(asTwoFiles);
  const differences = files.some(fileDiffers);

  if (o.json) {
    const report = { differences, ...(range ? { base: range.base, head: range.head } : {}), files };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else process.stdout.write(renderText(files, { colour: process.stdout.isTTY === true && !process.env.NO_COLOR, showRenames: range !== null }));
  process.stderr.write(renderErrors(files));

  const firstError = files.find((f) => f.error)?.error;
  if (firstError) return EXIT_CODES[firstError.code];
  return differences ? EXIT_CHECK_FAILED : 0;
}
