/**
 * `.gitseal.yaml`: recipients (inline, or `{file: PATH}` beside it), default
 * scope, readable paths and creation rules by path regex. The nearest file above the target wins, as with
 * SOPS's `.sops.yaml`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { fail } from '../core/errors.js';
import type { Path } from '../core/format/name-tokens.js';
import { parsePathExpression } from '../core/format/plain-document.js';
import { parseScope, type Scope } from '../core/format/scope.js';
import { parseWriterList } from '../core/crypto/writer-file.js';
import { fileVersion } from '../runtime/file-version.js';
import type { TrustedWriter } from '../core/crypto/writer-key.js';
import { isRecord, unknownField } from '../core/is-record.js';
import { workTreeOf } from './files.js';
import { readRecipientFileWithin } from './recipient-file.js';

export const CONFIG_FILE = '.gitseal.yaml';
export const DEFAULT_READABLE = ['apiVersion', 'kind', 'metadata.name', 'metadata.namespace'];

export interface CreationRule {
  readonly pathRegex: RegExp;
  readonly recipients?: readonly string[];
  readonly scope?: Scope;
  readonly readable?: readonly string[];
}

export interface Config {
  readonly file: string;
  readonly dir: string;
  readonly recipients: readonly string[];
  readonly scope: Scope;
  readonly readable: readonly string[];
  readonly rules: readonly CreationRule[];
  /** Refuse unsigned and untrusted documents (a repository can only tighten what the user's trust file says). */
  readonly requireSignatures: boolean;
  /** The writers the repository declares: shown in messages, and a change to them is flagged; not trusted for being here. */
  readonly writers: readonly TrustedWriter[];
}

/** What applies to one file after the creation rules. */
export interface FilePolicy {
  readonly recipients: readonly string[];
  readonly scope: Scope;
  readonly readablePaths: readonly Path[];
  /** True when a creation rule names this file: it must be encrypted (pre-commit guard, verify). */
  readonly matched: boolean;
  readonly requireSignatures: boolean;
  readonly declaredWriters: readonly TrustedWriter[];
}

let chosen: string | undefined;

/** `--config FILE`: every file's rules come from this `.gitseal.yaml` instead of the nearest one above it. */
export function chooseConfig(file: string | undefined): void {
  chosen = file;
}

/** The `.gitseal.yaml` that `--config` or `$GITSEAL_CONFIG` names, if any. */
export const chosenConfig = (): string | undefined => chosen ?? (process.env.GITSEAL_CONFIG || undefined);

/** A command over many files reads each `.gitseal.yaml` once (a rewritten one again). */
const loaded = new Map<string, Config>();

function loadConfigOnce(file: string): Config {
  const key = fileVersion(file);
  const config = loaded.get(key) ?? loadConfig(file);
  loaded.set(key, config);
  return config;
}

export function findConfig(start: string): Config | null {
  const named = chosenConfig();
  if (named !== undefined) {
    if (!existsSync(named)) fail('E_CONFIG', `${named} (from --config or GITSEAL_CONFIG) does not exist`);
    return loadConfigOnce(resolve(named));
  }
  let dir = resolve(start);
  for (;;) {
    const file = join(dir, CONFIG_FILE);
    if (existsSync(file)) return loadConfigOnce(file);
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

const strings = (v: unknown, what: string): string[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail('E_CONFIG', `${what} must be a list of strings`);
  return v as string[];
};

/**
 * A `recipients:` list: recipient strings, and `{file: PATH}` entries whose
 * lines are read in their place (cli/recipient-file.ts: PATH is relative to
 * the `.gitseal.yaml` and must stay inside the repository).
 */
function recipientList(v: unknown, what: string, file: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail('E_CONFIG', `${file}: ${what} must be a list`);
  const dir = dirname(resolve(file));
  return v.flatMap((entry: unknown, i: number): string[] => {
    if (typeof entry === 'string') return [entry];
    if (isRecord(entry) && typeof entry.file === 'string' && Object.keys(entry).length === 1) {
      const tree = workTreeOf(dir);
      return tree ? readRecipientFileWithin(entry.file, file, dir, tree) : readRecipientFileWithin(entry.file, file, dir, dir, 'the folder of .gitseal.yaml');
    }
    return fail('E_CONFIG', `${file}: ${what} entry ${i + 1} must be a recipient (gitseal1:…) or {file: PATH}`);
  });
}

/**
 * The `{file: PATH}` entries of a `.gitseal.yaml`'s recipient lists, top level and creation rules,
 * as written (relative to it); what is not such an entry, or text that does not parse, names none.
 */
export function recipientFilesNamed(text: string): string[] {
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 10 });
  } catch {
    return [];
  }
  if (!isRecord(raw)) return [];
  const lists = [raw.recipients, ...(Array.isArray(raw.creation_rules) ? raw.creation_rules.map((r: unknown) => (isRecord(r) ? r.recipients : undefined)) : [])];
  return lists.flatMap((l) => (Array.isArray(l) ? l.flatMap((e: unknown) => (isRecord(e) && typeof e.file === 'string' ? [e.file] : [])) : []));
}

const TOP_FIELDS = ['recipients', 'scope', 'readable', 'creation_rules', 'requireSignatures', 'writers'];
const RULE_FIELDS = ['path_regex', 'recipients', 'scope', 'readable'];

/** A misspelt field would be ignored, and `requireSignature: true` would then require nothing. */
function refuseUnknown(o: Record<string, unknown>, known: readonly string[], file: string, what: string): void {
  const unknown = unknownField(o, known);
  if (unknown !== undefined) fail('E_CONFIG', `${file}: ${what} gitseal does not know, ${JSON.stringify(unknown)} (known: ${known.join(', ')})`);
}

export function loadConfig(file: string): Config {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'), { maxAliasCount: 10 });
  } catch {
    fail('E_CONFIG', `${file} is not valid YAML`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('E_CONFIG', `${file} must be a mapping`);
  const o = raw as Record<string, unknown>;
  refuseUnknown(o, TOP_FIELDS, file, 'a field');
  const scopeOf = (v: unknown, what: string): Scope | undefined => {
    if (v === undefined) return undefined;
    try {
      return parseScope(v);
    } catch {
      return fail('E_CONFIG', `${what} must be strict, namespace or cluster`);
    }
  };
  const rules = (o.creation_rules ?? []) as unknown;
  if (!Array.isArray(rules)) fail('E_CONFIG', `${file}: creation_rules must be a list`);
  return {
    file,
    dir: dirname(file),
    recipients: recipientList(o.recipients, 'recipients', file),
    scope: scopeOf(o.scope, 'scope') ?? 'strict',
    readable: o.readable === undefined ? DEFAULT_READABLE : strings(o.readable, 'readable'),
    requireSignatures: o.requireSignatures === undefined || typeof o.requireSignatures === 'boolean' ? o.requireSignatures === true : fail('E_CONFIG', `${file}: requireSignatures must be true or false`),
    writers: writersOf(o.writers, file),
    rules: rules.map((r: unknown, i: number): CreationRule => {
      if (r === null || typeof r !== 'object') fail('E_CONFIG', `creation rule ${i + 1} must be a mapping`);
      const rr = r as Record<string, unknown>;
      refuseUnknown(rr, RULE_FIELDS, file, `creation rule ${i + 1} has a field`);
      if (typeof rr.path_regex !== 'string') fail('E_CONFIG', `creation rule ${i + 1} needs path_regex`);
      let pathRegex: RegExp;
      try {
        pathRegex = new RegExp(rr.path_regex);
      } catch {
        return fail('E_CONFIG', `creation rule ${i + 1}: path_regex is not a valid regular expression`);
      }
      return {
        pathRegex,
        recipients: rr.recipients === undefined ? undefined : recipientList(rr.recipients, `creation rule ${i + 1} recipients`, file),
        scope: scopeOf(rr.scope, `creation rule ${i + 1} scope`),
        readable: rr.readable === undefined ? undefined : strings(rr.readable, `creation rule ${i + 1} readable`),
      };
    }),
  };
}

function writersOf(v: unknown, file: string): TrustedWriter[] {
  try {
    return parseWriterList(v, file);
  } catch (e) {
    return fail('E_CONFIG', e instanceof Error ? e.message : `${file}: writers is invalid`);
  }
}

/** findConfig with one lookup and parse per folder, for commands that walk many files. */
export function configPerFolder(): (dir: string) => Config | null {
  const configs = new Map<string, Config | null>();
  return (dir) => {
    if (!configs.has(dir)) configs.set(dir, findConfig(dir));
    return configs.get(dir) ?? null;
  };
}

export function policyFor(config: Config | null, file: string): FilePolicy {
  if (!config) return { recipients: [], scope: 'strict', readablePaths: DEFAULT_READABLE.map(parsePathExpression), matched: false, requireSignatures: false, declaredWriters: [] };
  const rel = file === '-' ? '' : relative(config.dir, resolve(file)).split('\\').join('/');
  const rule = config.rules.find((r) => r.pathRegex.test(rel));
  return {
    recipients: rule?.recipients ?? config.recipients,
    scope: rule?.scope ?? config.scope,
    readablePaths: (rule?.readable ?? config.readable).map(parsePathExpression),
    matched: rule !== undefined,
    requireSignatures: config.requireSignatures,
    declaredWriters: config.writers,
  };
}

/** A `recipients:` entry as written: a recipient, or a file of them beside `.gitseal.yaml`. */
export type RecipientEntry = string | { readonly file: string };

export function renderConfig(recipients: readonly RecipientEntry[], scope: Scope): string {
  return [
    '# gitseal configuration: who can decrypt, and how files are encrypted.',
    '# Recipients are public keys, inline or as {file: PATH} (one a line, PATH relative to this file); commit this file.',
    'recipients:',
    ...recipients.map((r) => `  - ${typeof r === 'string' ? r : `{file: ${JSON.stringify(r.file)}}`}`),
    '# strict: bound to namespace/name; namespace: any name in the namespace; cluster: anywhere',
    `scope: ${scope}`,
    '# Paths left readable in generic (non-Secret) files; Secrets keep only name and namespace readable.',
    'readable: [apiVersion, kind, metadata.name, metadata.namespace]',
    '# Files these rules match must be encrypted (the pre-commit guard and verify check it).',
    'creation_rules:',
    "  - path_regex: '(^|/)[^/]*secret[^/]*\\.(ya?ml|json)$'",
    '',
  ].join('\n');
}
