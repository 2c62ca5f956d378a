/**
 * fast-check arbitraries for YAML and JSON files as text: a JS value is
 * built, turned into a `yaml` Document, styled node by node (quoting, block
 * scalars, flow collections, comments, blank lines, anchors and aliases),
 * rendered with random stringify options, and the stream is then dressed
 * (directives, `---` / `...`, CRLF, BOM, no final newline).
 */
import fc from 'fast-check';
import { Document, isScalar, parseAllDocuments, Scalar, visit, type Node as YamlNode, type ToStringOptions } from 'yaml';

export type Tree = null | boolean | number | string | Tree[] | { [key: string]: Tree };

const tricky = fc.constantFrom('', ' ', 'null', 'true', '~', '1', '0x1F', '-', '- x', '#', 'a: b', '"', "'", '\\', '{', '[', '*x', '&y', '!t', '%', '@', '`', '? q', '|', '>', '\t', '...', '---');
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: tricky },
);
const multiline = fc.array(fc.string({ maxLength: 10 }), { minLength: 2, maxLength: 4 }).map((l) => l.join('\n'));
const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('ключ', '键', '🔑 key', 'ünïcödé', 'a b', 'x:y', '#k', '- k', '', 'null', '1', 'stringData') },
);
const leaf: fc.Arbitrary<Tree> = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 1, arbitrary: multiline },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const { tree } = fc.letrec<{ tree: Tree; node: Tree }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('tree'), fc.array(tie('node'), { maxLength: 4 })),
  tree: fc.dictionary(key, tie('node'), { maxKeys: 5, noNullPrototype: true }),
}));
/** A mapping at the root, as gitseal requires. */
export const rootTree = tree as fc.Arbitrary<{ [key: string]: Tree }>;

const SCALAR_TYPES = [Scalar.PLAIN, Scalar.QUOTE_DOUBLE, Scalar.QUOTE_SINGLE, Scalar.BLOCK_LITERAL, Scalar.BLOCK_FOLDED] as const;
const comment = fc.string({ maxLength: 16 }).map((s) => s.replace(/[\r\n]/g, ' '));

/** Per-node styling choices, consumed in document order (cycled when short). */
const styleChoices = fc.array(fc.nat(99), { minLength: 1, maxLength: 64 });

function styleDocument(doc: Document, choices: readonly number[], comments: readonly string[]): void {
  let i = 0;
  const next = () => choices[i++ % choices.length]!;
  const note = () => comments[i % comments.length] ?? '';
  const anchored: Scalar[] = [];
  visit(doc, {
    Scalar(_, node) {
      const c = next();
      node.type = SCALAR_TYPES[c % SCALAR_TYPES.length];
      if (c >= 90) node.comment = note();
      if (c % 7 === 0) node.spaceBefore = true;
      if (c % 11 === 0 && typeof node.value === 'string') {
        node.anchor = `a${anchored.length}`;
        anchored.push(node);
      }
    },
    Map(_, node) {
      const c = next();
      node.flow = c < 12;
      if (c > 80) node.commentBefore = note();
    },
    Seq(_, node) {
      const c = next();
      node.flow = c < 15;
      if (c > 85) node.comment = note();
    },
    Pair(_, pair) {
      const c = next();
      // Replace a later scalar by an alias of an earlier anchored one: scalars are never ancestors, so no cycles.
      if (c % 13 === 0 && anchored.length && isScalar(pair.value) && !(pair.value as Scalar).anchor)
        pair.value = doc.createAlias(anchored[c % anchored.length]!);
      if (c > 94 && isScalar(pair.key)) (pair.key as YamlNode).commentBefore = note();
    },
  });
  if (choices[0]! % 3 === 0) doc.commentBefore = note();
  if (choices[0]! % 5 === 0) doc.comment = note();
}

const stringifyOptions: fc.Arbitrary<ToStringOptions> = fc.record({
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
  collectionStyle: fc.constantFrom('any', 'any', 'any', 'block', 'flow'),
  indent: fc.constantFrom(2, 3, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  minContentWidth: fc.constantFrom(0, 20),
  flowCollectionPadding: fc.boolean(),
  simpleKeys: fc.constant(false),
}) as fc.Arbitrary<ToStringOptions>;

/** One document rendered as YAML text. */
export const yamlDocument: fc.Arbitrary<string> = fc
  .tuple(rootTree, styleChoices, fc.array(comment, { minLength: 1, maxLength: 4 }), stringifyOptions)
  .map(([value, choices, comments, options]) => {
    const doc = new Document(value);
    styleDocument(doc, choices, comments);
    try {
      return doc.toString(options);
    } catch {
      return new Document(value).toString(); // a style the renderer refuses: fall back to the plain rendering
    }
  });

const dressing = fc.record({
  directive: fc.constantFrom('', '%YAML 1.2\n---\n', '%YAML 1.2\n%TAG !e! tag:example.com,2024:\n---\n', '--- # start\n'),
  separators: fc.array(fc.constantFrom('---\n', '...\n---\n', '--- # next\n', '...\n# between\n---\n'), { minLength: 3, maxLength: 3 }),
  end: fc.constantFrom('', '...\n', '# trailing comment\n'),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  dropFinalNewline: fc.boolean(),
});

/** A YAML stream of 1–3 documents with directives, markers, CRLF, BOM and a missing final newline mixed in. */
export const yamlStream: fc.Arbitrary<string> = fc
  .tuple(fc.array(yamlDocument, { minLength: 1, maxLength: 3 }), dressing)
  .map(([docs, d]) => {
    let text = d.directive + docs.map((doc, i) => (i === 0 ? doc : d.separators[i - 1]! + doc)).join('') + d.end;
    if (d.dropFinalNewline) text = text.replace(/\n$/, '');
    if (d.crlf) text = text.replace(/\n/g, '\r\n');
    if (d.bom) text = '\uFEFF' + text;
    return text;
  })
  // The yaml package's stringify can emit text its own parser refuses or reads with a duplicate key (e.g. blank
  // block-scalar keys), and can fold a line between the halves of a surrogate pair, which no UTF-8 file can hold.
  .filter(isFileText);

function isFileText(text: string): boolean {
  if (Buffer.from(text, 'utf8').toString('utf8') !== text) return false;
  // Within gitseal's alias limit: a generated tree with many aliases is refused as an alias bomb (E_ALIAS_LIMIT).
  return parseAllDocuments(text, { strict: true, uniqueKeys: true }).every((doc) => doc.errors.length === 0 && withinAliasLimit(doc));
}

function withinAliasLimit(doc: { toJS(o: { maxAliasCount: number }): unknown }): boolean {
  try {
    doc.toJS({ maxAliasCount: 100 });
    return true;
  } catch {
    return false;
  }
}

/** A JSON file: one object, pretty or compact. */
export const jsonFile: fc.Arbitrary<string> = fc
  .tuple(rootTree, fc.constantFrom(0, 2, 4, '\t'), fc.boolean())
  .map(([value, indent, newline]) => JSON.stringify(value, null, indent) + (newline ? '\n' : ''));

/**
 * Every string, key and number a YAML or JSON file holds, for leak checks.
 * Read off the syntax tree, not toJS(): the yaml package cannot resolve an
 * alias whose anchor sits inside a complex key, though the text is valid.
 */
export function stringsOf(text: string): string[] {
  const out: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    visit(doc, {
      Scalar(_key, node) {
        if (node.value !== null && node.value !== undefined) out.push(String(node.value));
      },
    });
  }
  return out;
}
