/**
 * Inputs for the fuzzers: random text mixed with mutations of valid inputs,
 * so that most cases get past a parser's first check (it is YAML, it has the
 * version field) and reach the checks behind it.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

/** Text that tends to break parsers: YAML and JSON syntax, aliases, numbers at the edges, odd Unicode. */
const TOKENS = [
  '\n', '\r\n', ' ', '  ', '\t', ':', ': ', '- ', '-', ',', '.', '=', '/', '*', '#', '"', "'", '\\', '{', '}', '[', ']', '{}', '[]',
  '&a ', '*a', '<<: *a', '!!binary ', '!!str ', '!!int ', '!!map', '? ', '|', '>-', '---\n', '...\n', '%YAML 1.2\n',
  'null', '~', 'true', 'false', 'yes', '0', '-1', '1e999', '-0', '0x1F', '1.5', 'NaN', '.inf', '9007199254740993', '99999999999999999999999',
  '__proto__', 'constructor', 'prototype', 'toString', '\u0000', '\u00ff', '\u200b', '\ufeff', '\ud800', '\u{1F600}', '\uFFFD',
  '<<<<<<< ours\n', '=======\n', '>>>>>>> theirs\n', 'ENC[', ']', 'v1.', 'gitseal1:', 'w-', '=', '==', 'A'.repeat(64), '_'.repeat(10),
];

const token = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }));

type Edit = { kind: number; at: number; len: number; text: string };
const edit: fc.Arbitrary<Edit> = fc.record({ kind: fc.nat(6), at: fc.nat(), len: fc.nat(64), text: token });

function applyEdit(s: string, e: Edit): string {
  const at = s.length === 0 ? 0 : e.at % (s.length + 1);
  const end = Math.min(s.length, at + 1 + (e.len % 16));
  switch (e.kind) {
    case 0: // insert
      return s.slice(0, at) + e.text + s.slice(at);
    case 1: // delete a few characters
      return s.slice(0, at) + s.slice(end);
    case 2: // replace a few characters
      return s.slice(0, at) + e.text + s.slice(end);
    case 3: // duplicate a slice
      return s.slice(0, end) + s.slice(at, end) + s.slice(end);
    case 4: // truncate
      return s.slice(0, at);
    case 5: { // flip one character's low bits
      if (at >= s.length) return s + e.text;
      const c = s.charCodeAt(at) ^ (1 + (e.len % 127));
      return s.slice(0, at) + String.fromCharCode(c) + s.slice(at + 1);
    }
    default: { // swap two lines
      const lines = s.split('\n');
      const i = e.at % lines.length;
      const j = e.len % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
  }
}

/** Valid texts with 1 to 8 edits. */
export function mutatedText(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 8 })).map(([s, edits]) => edits.reduce(applyEdit, s));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON-like values, with numbers and strings a parser might not expect. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e300, -1e-300, 2 ** 53 + 2, '', '*', ' ', '__proto__', 'x'.repeat(300)),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

type TreeEdit = { pick: number; kind: number; key: string; value: unknown };
const treeEdit: fc.Arbitrary<TreeEdit> = fc.record({
  pick: fc.nat(),
  kind: fc.nat(3),
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'name', 'key', 'kind', 'type', 'items', 'rules', 'sops', 'spec'), fc.string({ maxLength: 8 })),
  value: oddValue,
});

/** Every object and array inside `v`, with the value itself first. */
function containers(v: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (Array.isArray(v)) {
    out.push(v);
    for (const x of v) containers(x, out);
  } else if (typeof v === 'object' && v !== null) {
    out.push(v as Record<string, unknown>);
    for (const x of Object.values(v)) containers(x, out);
  }
  return out;
}

function applyTreeEdit(root: unknown, e: TreeEdit): void {
  const all = containers(root);
  if (all.length === 0) return;
  const c = all[e.pick % all.length]!;
  const keys = Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
  const k = keys.length === 0 ? undefined : keys[(e.pick >>> 3) % keys.length];
  const set = (key: string | number, value: unknown): void => {
    if (Array.isArray(c)) c[Number(key)] = value;
    else Object.defineProperty(c, key, { value, enumerable: true, writable: true, configurable: true });
  };
  switch (e.kind) {
    case 0: // replace a value
      if (k !== undefined) set(k, e.value);
      break;
    case 1: // delete a field or item
      if (k !== undefined) {
        if (Array.isArray(c)) c.splice(Number(k), 1);
        else delete c[k as string];
      }
      break;
    case 2: // add a field or item
      if (Array.isArray(c)) c.push(e.value);
      else set(e.key, e.value);
      break;
    default: // copy a sibling's value into another place
      if (k !== undefined && keys.length > 1) set(keys[(e.pick >>> 6) % keys.length]!, Array.isArray(c) ? c[Number(k)] : c[k as string]);
  }
}

/** Valid documents with 1 to 4 edits of their tree (a value replaced, removed, added or copied), written as `format`. */
export function mutatedTree(seeds: readonly unknown[], format: 'yaml' | 'json'): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(treeEdit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) => {
    const v = structuredClone(seed) as Json;
    for (const e of edits) applyTreeEdit(v, e);
    return format === 'json' ? JSON.stringify(v) : stringify(v, { lineWidth: 0 });
  });
}

/** Random text and bytes read as text (latin1 and UTF-8 with invalid sequences). */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((t) => t.join('')),
);

/**
 * The usual mix: a few random inputs, the valid ones as they are, and mostly
 * mutations of them (text edits, and tree edits when `trees` are given).
 */
export function fuzzInput(seeds: readonly string[], trees?: { values: readonly unknown[]; format: 'yaml' | 'json' }): fc.Arbitrary<string> {
  const parts: Array<fc.WeightedArbitrary<string>> = [
    { arbitrary: randomText, weight: 2 },
    { arbitrary: fc.constantFrom(...seeds), weight: 1 },
    { arbitrary: mutatedText(seeds), weight: 6 },
  ];
  if (trees) parts.push({ arbitrary: mutatedTree(trees.values, trees.format), weight: 6 });
  return fc.oneof(...parts);
}
