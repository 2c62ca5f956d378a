/**
 * The rewrap service's policy (docs/ARCHITECTURE.md#policy): rules grant or
 * deny subjects × scopes × operations. Default deny; a matching deny rule
 * beats every allow; otherwise the first matching allow decides.
 * `requireSignatures` lists the scopes whose documents must be signed by a
 * writer granted `write` there; it is a property of the scope, not of a
 * rule, so no caller's grant can lift it.
 * An allow must cover the whole binding (scopeCovers), but a deny applies
 * wherever its pattern meets the binding (scopeOverlaps): a file sealed for
 * 'payments/*' can open 'payments/prod-db', so `deny payments/prod-db`
 * refuses it too (issue 15).
 * schemas/policy.schema.json describes the same file; tests keep them in
 * step.
 */
import { parseDocument } from 'yaml';
import { fail } from '../../core/errors.js';
import { OPERATIONS, type Operation } from '../protocol/types.js';
import { type Decision, type Policy } from './types.js';

export const POLICY_VERSION = 1;
const MAX_POLICY_CHARS = 1 << 20;
export const KEY_OPERATIONS: ReadonlySet<string> = new Set<Operation>(['keys.rotate', 'keys.revoke', 'keys.destroy']);

/** The same patterns as the schema; `u` so lengths count code points, as JSON Schema does. */
export const SUBJECT_PATTERN = /^[^\s\x00-\x1f\x7f]{1,512}$/u;
export const SCOPE_PATTERN = /^(?:\*|[a-z0-9.*-]{1,253}\/[a-z0-9.*-]{1,253})$/u;
export const RULE_NAME_PATTERN = /^[^\x00-\x1f\x7f]{1,200}$/u;

const TOP_FIELDS = ['gitseal-policy', 'requireSignatures', 'rules'];
const RULE_FIELDS = ['name', 'effect', 'subjects', 'scopes', 'operations'];

export interface PolicyRule {
  /** 1-based, as in messages and decisions. */
  readonly index: number;
  readonly name?: string;
  readonly effect: 'allow' | 'deny';
  readonly subjects: readonly string[];
  /** Empty for rules that list only key operations. */
  readonly scopes: readonly string[];
  readonly operations: readonly Operation[];
}

export interface LoadedPolicy extends Policy {
  readonly source: string;
  readonly rules: readonly PolicyRule[];
  /** Scope patterns whose documents must be signed; empty when none are. */
  readonly requireSignatures: readonly string[];
}

/** Anchored match where `*` stands for any run of characters; no RegExp, so nothing in a pattern is special but `*`. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

type Binding = { kind: 'strict'; ns: string; name: string } | { kind: 'namespace'; ns: string } | { kind: 'cluster' };

/** 'ns/name', 'ns/*' or '*' (core/format/scope.ts); null for anything else. */
export function parseBinding(scope: string): Binding | null {
  if (scope === '*') return { kind: 'cluster' };
  const slash = scope.indexOf('/');
  if (slash <= 0 || slash === scope.length - 1 || scope.indexOf('/', slash + 1) !== -1) return null;
  if (/[\x00-\x1f\x7f]/.test(scope)) return null;
  const ns = scope.slice(0, slash);
  const name = scope.slice(slash + 1);
  if (ns.includes('*')) return null;
  if (name === '*') return { kind: 'namespace', ns };
  return name.includes('*') ? null : { kind: 'strict', ns, name };
}

/** A grant must cover everything the binding could open: a namespace binding needs a whole-namespace pattern. */
export function scopeCovers(pattern: string, binding: Binding): boolean {
  if (pattern === '*') return true;
  if (binding.kind === 'cluster') return false;
  const slash = pattern.indexOf('/');
  const ns = pattern.slice(0, slash);
  const name = pattern.slice(slash + 1);
  if (!globMatch(ns, binding.ns)) return false;
  return binding.kind === 'namespace' ? name === '*' : globMatch(name, binding.name);
}

/**
 * A signature requirement reaches every binding that can open an object the
 * pattern names: a namespace binding overlaps every pattern of its namespace
 * and the cluster binding every pattern, so a wider binding is no way around
 * it (the opposite of scopeCovers, which is strict for grants).
 */
export function scopeOverlaps(pattern: string, binding: Binding): boolean {
  if (pattern === '*' || binding.kind === 'cluster') return true;
  const slash = pattern.indexOf('/');
  if (!globMatch(pattern.slice(0, slash), binding.ns)) return false;
  return binding.kind === 'namespace' || globMatch(pattern.slice(slash + 1), binding.name);
}

/** For messages and reasons: one short line, whatever the input holds. */
export function preview(v: unknown, max = 32): string {
  if (typeof v !== 'string') return v === null ? 'null' : Array.isArray(v) ? 'a list' : `a ${typeof v === 'object' ? 'mapping' : typeof v}`;
  const chars = [...v];
  return JSON.stringify(chars.length > max ? `${chars.slice(0, max).join('')}…` : v);
}

/** A caller-supplied string inside a one-line reason: control characters replaced, length capped. */
function display(s: string): string {
  const chars = [...s.replace(/[\x00-\x1f\x7f]/g, '?')];
  return chars.length > 120 ? `${chars.slice(0, 120).join('')}…` : chars.join('');
}

class RuleReader {
  constructor(
    private readonly where: string,
    private readonly rule: Record<string, unknown>,
  ) {}

  error(field: string, what: string): never {
    return fail('E_POLICY', `${this.where}: field "${field}": ${what}`);
  }

  list(field: string, required: boolean): unknown[] | undefined {
    const v = this.rule[field];
    if (v === undefined) return required ? this.error(field, 'is required') : undefined;
    if (!Array.isArray(v) || v.length === 0) this.error(field, `must be a non-empty list, not ${Array.isArray(v) ? 'an empty list' : preview(v)}`);
    return v as unknown[];
  }

  patterns(field: string, items: unknown[], pattern: RegExp, what: string): string[] {
    return items.map((item, i) => {
      if (typeof item !== 'string' || !pattern.test(item)) this.error(field, `item ${i + 1} (${preview(item)}) is not ${what}`);
      return item;
    });
  }
}

function readRule(raw: unknown, index: number, source: string): PolicyRule {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('E_POLICY', `${source}: rule ${index} must be a mapping, not ${preview(raw)}`);
  const rule = raw as Record<string, unknown>;
  const name = rule.name;
  if (name !== undefined && (typeof name !== 'string' || !RULE_NAME_PATTERN.test(name)))
    fail('E_POLICY', `${source}: rule ${index}: field "name": must be one line of text (1 to 200 characters), not ${preview(name)}`);
  const where = `${source}: rule ${index}${name === undefined ? '' : ` (${preview(name)})`}`;
  for (const key of Object.keys(rule))
    if (!RULE_FIELDS.includes(key)) fail('E_POLICY', `${where}: unknown field ${preview(key)} (expected ${RULE_FIELDS.join(', ')})`);
  const r: RuleReader = new RuleReader(where, rule);
  const effect = rule.effect ?? 'allow';
  if (effect !== 'allow' && effect !== 'deny') r.error('effect', `must be allow or deny, not ${preview(effect)}`);
  const subjects = r.patterns('subjects', r.list('subjects', true)!, SUBJECT_PATTERN, 'a subject pattern (no whitespace or control characters, * matches any run)');
  const operations = r.list('operations', true)!.map((op, i) => {
    if (typeof op !== 'string' || !(OPERATIONS as readonly string[]).includes(op)) r.error('operations', `item ${i + 1} (${preview(op)}) is not one of ${OPERATIONS.join(', ')}`);
    return op as Operation;
  });
  const scoped = operations.some((op) => !KEY_OPERATIONS.has(op));
  const scopeItems = r.list('scopes', scoped);
  if (!scoped && scopeItems) r.error('scopes', 'key operations take no scopes: remove the field (scopes only limit rewrap and write)');
  const scopes = scopeItems ? r.patterns('scopes', scopeItems, SCOPE_PATTERN, "a scope pattern ('NS/NAME' with * globs, or '*')") : [];
  return { index, ...(name === undefined ? {} : { name: name as string }), effect, subjects, scopes, operations };
}

function readYaml(text: string, source: string): unknown {
  if (text.length > MAX_POLICY_CHARS) fail('E_POLICY', `${source}: the policy is larger than ${MAX_POLICY_CHARS} characters`);
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const before = text.slice(0, err.pos[0]);
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    fail('E_POLICY', `${source}: not valid YAML (line ${line}, column ${col}): ${err.code}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 10 }) as unknown;
  } catch {
    return fail('E_POLICY', `${source}: too many YAML alias expansions`);
  }
}

export function parsePolicy(text: string, source: string): LoadedPolicy {
  const raw = readYaml(text, source);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('E_POLICY', `${source}: the policy must be a mapping with gitseal-policy: 1 and rules`);
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (!TOP_FIELDS.includes(key)) fail('E_POLICY', `${source}: unknown top-level field ${preview(key)} (expected ${TOP_FIELDS.join(', ')})`);
  if (top['gitseal-policy'] !== POLICY_VERSION)
    fail('E_POLICY', `${source}: field "gitseal-policy" must be ${POLICY_VERSION}, not ${top['gitseal-policy'] === undefined ? 'missing' : preview(top['gitseal-policy'])}`);
  if (!Array.isArray(top.rules)) return fail('E_POLICY', `${source}: field "rules" must be a list, not ${top.rules === undefined ? 'missing' : preview(top.rules)}`);
  const required = new RuleReader(source, top);
  const patterns = required.list('requireSignatures', false);
  const requireSignatures = patterns ? required.patterns('requireSignatures', patterns, SCOPE_PATTERN, "a scope pattern ('NS/NAME' with * globs, or '*')") : [];
  return compile(source, top.rules.map((r: unknown, i: number) => readRule(r, i + 1, source)), requireSignatures);
}

function compile(source: string, rules: readonly PolicyRule[], requireSignatures: readonly string[]): LoadedPolicy {
  const label = (r: PolicyRule): string => `rule ${r.index}${r.name === undefined ? '' : ` '${r.name}'`}`;
  const decided = (r: PolicyRule, why = ''): Decision => ({
    allowed: r.effect === 'allow',
    rule: r.name === undefined ? { index: r.index } : { index: r.index, name: r.name },
    reason: `${r.effect === 'allow' ? 'allowed' : 'denied'} by ${label(r)}${why}`,
  });
  // A deny that only meets the binding says which of its scopes the binding could open.
  const denial = (r: PolicyRule, binding: Binding | null, scope: string): Decision | null => {
    if (!binding || r.scopes.some((p) => scopeCovers(p, binding))) return decided(r);
    const met = r.scopes.find((p) => scopeOverlaps(p, binding));
    return met === undefined ? null : decided(r, ` (its scope ${met} lies within the binding ${display(scope)}, which could open it)`);
  };
  const decide = (subject: string, scope: string, operation: Operation): Decision => {
    if (!subject) return { allowed: false, rule: null, reason: 'denied: the request has no subject' };
    const keyOp = KEY_OPERATIONS.has(operation);
    const binding = keyOp ? null : parseBinding(scope);
    if (!keyOp && !binding) return { allowed: false, rule: null, reason: `denied: scope binding "${display(scope)}" is malformed` };
    let allow: PolicyRule | undefined;
    for (const r of rules) {
      if (!r.operations.includes(operation) || !r.subjects.some((p) => globMatch(p, subject))) continue;
      if (r.effect === 'deny') {
        const denied = denial(r, binding, scope);
        if (denied) return denied;
        continue;
      }
      if (binding && !r.scopes.some((p) => scopeCovers(p, binding))) continue;
      allow ??= r;
    }
    if (allow) return decided(allow);
    const on = keyOp ? '' : ` on ${display(scope)}`;
    return { allowed: false, rule: null, reason: `no rule grants ${display(operation)}${on} to ${display(subject)} (default deny)` };
  };
  const signaturesRequiredBy = (scope: string): string | null => {
    if (requireSignatures.length === 0) return null;
    const binding = parseBinding(scope);
    // A malformed binding opens nothing (decide denies it), but it is not let off either.
    if (!binding) return requireSignatures[0]!;
    return requireSignatures.find((p) => scopeOverlaps(p, binding)) ?? null;
  };
  return { source, rules, requireSignatures, decide, signaturesRequiredBy };
}
