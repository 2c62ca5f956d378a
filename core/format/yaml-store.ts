/**
 * Plaintext YAML/JSON → PlainDocument. Uses the `yaml` package's parser for
 * correctness and its node ranges to cut the source into values and layout,
 * so `renderPlain(parsePlainStream(text)[i])`, joined, is the input byte for
 * byte.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseAllDocuments, LineCounter, type Document, type Node as YamlNode } from 'yaml';
import { fail } from '../errors.js';
import type { Leaf, PlainDocument } from './plain-document.js';
import { formatPath } from './plain-document.js';
import { scanSimpleYaml } from './fast-yaml.js';
import { errorOffset } from './yaml-error-position.js';
import type { Path } from './name-tokens.js';

/** Alias expansions allowed when a document is turned into values (alias bombs). */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedPlain extends PlainDocument {
  /** The document's resolved value; throws E_ALIAS_LIMIT for an alias bomb. */
  toJS(): unknown;
  /** A top-level field: its scalar value, an object for a collection, undefined when absent. Cheap. */
  top(key: string): unknown;
}

function documentToJS(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError || (e instanceof Error && /alias/i.test(e.message)))
      fail('E_ALIAS_LIMIT', `the document expands more than ${MAX_ALIAS_COUNT} aliases: remove the alias chain`);
    throw e;
  }
}

interface WalkContext {
  readonly text: string;
  readonly lines: LineCounter;
  readonly leaves: Leaf[];
  readonly cuts: Array<[number, number]>;
}

const where = (ctx: WalkContext, offset: number): string => {
  const { line, col } = ctx.lines.linePos(offset);
  return `line ${line}, column ${col}`;
};

/**
 * Splits a YAML stream into its documents. Throws E_YAML (with line and
 * column, never source text), E_DUPLICATE_KEY, E_NOT_MAPPING or
 * E_UNSUPPORTED.
 */
export function parsePlainStream(text: string): ParsedPlain[] {
  const fast = scanSimpleYaml(text);
  if (fast) return fast.map((d) => ({ leaves: d.leaves, chunks: d.chunks, toJS: () => d.value, top: (k: string) => d.value[k] }));
  return parseWithYamlPackage(text);
}

/** The full parser, for everything the fast path does not take. Exported for the test that compares both. */
export function parseWithYamlPackage(text: string): ParsedPlain[] {
  const lines = new LineCounter();
  // Duplicate keys are checked by walk() in linear time; the library's check is quadratic.
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines, strict: true });
  if (!Array.isArray(docs) || docs.length === 0) fail('E_YAML', 'the input holds no YAML document');
  const out: ParsedPlain[] = [];
  for (let d = 0; d < docs.length; d++) {
    const doc = docs[d]!;
    const ctx: WalkContext = { text, lines, leaves: [], cuts: [] };
    const err = doc.errors[0];
    if (err) {
      const at = errorOffset(text, err.pos[0]);
      fail('E_YAML', `invalid YAML at ${where(ctx, at.offset)}: ${at.unclosed ? 'a quote or bracket that opens here is not closed' : err.code.toLowerCase().replace(/_/g, ' ')}`);
    }
    // An empty document (e.g. after a trailing `---`, common in Kubernetes manifests) is an empty null scalar: no values.
    const contents = isEmptyScalar(doc.contents) ? null : doc.contents;
    if (contents !== null && !isMap(contents)) {
      const what = isSeq(contents) ? 'a sequence' : 'a single value';
      fail('E_NOT_MAPPING', `document ${d + 1} is ${what}; gitseal encrypts documents whose root is a mapping`);
    }
    if (contents) walk(ctx, contents, []);
    const start = d === 0 ? 0 : doc.range[0];
    const end = d + 1 < docs.length ? docs[d + 1]!.range[0] : text.length;
    const chunks: string[] = [];
    let at = start;
    for (const [s, e] of ctx.cuts) {
      chunks.push(text.slice(at, s));
      at = e;
    }
    chunks.push(text.slice(at, end));
    out.push({
      leaves: ctx.leaves,
      chunks,
      toJS: () => documentToJS(doc),
      top: (k: string) => {
        const v: unknown = isMap(doc.contents) ? doc.get(k) : undefined;
        return isCollection(v) ? {} : v;
      },
    });
  }
  return out;
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && !node.tag && !node.anchor && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}

function walk(ctx: WalkContext, node: YamlNode, path: Path): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as YamlNode | null;
      if (!isScalar(key)) {
        const at = key?.range ? where(ctx, key.range[0]) : `the mapping at ${formatPath(path) || 'the root'}`;
        fail('E_UNSUPPORTED', `the key at ${at} is not a plain value (complex and alias keys are not supported)`);
      }
      const name = String(key.value);
      const keyPath = [...path, name];
      if (seen.has(name)) fail('E_DUPLICATE_KEY', `the key ${formatPath(keyPath)} at ${where(ctx, key.range![0])} appears twice in its mapping`);
      seen.add(name);
      if (pair.value) walk(ctx, pair.value as YamlNode, keyPath);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item) walk(ctx, item as YamlNode, [...path, i]);
    });
  } else if (isScalar(node) || isAlias(node)) {
    const [s, e] = node.range!;
    ctx.leaves.push({ path, raw: ctx.text.slice(s, e) });
    ctx.cuts.push([s, e]);
  }
}
