/**
 * Changes one value of a plaintext YAML stream and nothing else. An existing
 * value is rewritten in place through the CST (every other byte stays as it
 * was, so every other ciphertext stays as it was); a new key goes through
 * the document model, which may reformat that one document.
 */
import { CST, Parser, parse, parseAllDocuments, isMap, isSeq, type Document } from 'yaml';
import { fail } from '../errors.js';
import type { Path } from './name-tokens.js';
import { formatPath } from './plain-document.js';

/** A string is written in the style of the value it replaces; `literal` is YAML source for numbers, booleans and null. */
export type NewValue = { readonly string: string } | { readonly literal: string };

type Item = CST.CollectionItem;

function keyOf(item: Item): string | undefined {
  if (!item.key || !CST.isScalar(item.key)) return undefined;
  return CST.resolveAsScalar(item.key)?.value;
}

function isMapToken(t: CST.Token): boolean {
  return t.type === 'block-map' || (t.type === 'flow-collection' && t.start.source === '{');
}
function isSeqToken(t: CST.Token): boolean {
  return t.type === 'block-seq' || (t.type === 'flow-collection' && t.start.source === '[');
}

interface Found {
  readonly parent: CST.BlockMap | CST.BlockSequence | CST.FlowCollection;
  readonly index: number;
}

function findItem(doc: CST.Document, path: Path): Found | null {
  let node: CST.Token | undefined = doc.value;
  let found: Found | null = null;
  for (const seg of path) {
    if (!node) return null;
    let index = -1;
    if (typeof seg === 'string' && isMapToken(node)) {
      const coll = node as CST.BlockMap | CST.FlowCollection;
      index = coll.items.findIndex((it) => keyOf(it) === seg);
    } else if (typeof seg === 'number' && isSeqToken(node)) {
      index = seg < (node as CST.BlockSequence).items.length ? seg : -1;
    }
    if (index < 0) return null;
    const parent = node as CST.BlockMap | CST.BlockSequence | CST.FlowCollection;
    found = { parent, index };
    node = parent.items[index]!.value;
  }
  return found;
}

function readsBackAs(token: CST.Token, value: string): boolean {
  try {
    return parse(`- ${CST.stringify(token)}`)?.[0] === value;
  } catch {
    return false;
  }
}

function cstDocuments(text: string): { tokens: CST.Token[]; docs: CST.Document[] } {
  const tokens = [...new Parser().parse(text)];
  return { tokens, docs: tokens.filter((t): t is CST.Document => t.type === 'document') };
}

function viaDocumentModel(text: string, docIndex: number, edit: (doc: Document.Parsed) => void): string {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs) || !docs[docIndex]) fail('E_PATH', `the file has no document ${docIndex + 1}`);
  const doc = docs[docIndex]!;
  edit(doc);
  const start = docIndex === 0 ? 0 : doc.range[0];
  const end = docIndex + 1 < docs.length ? docs[docIndex + 1]!.range[0] : text.length;
  return text.slice(0, start) + doc.toString({ lineWidth: 0 }) + text.slice(end);
}

export function setValue(text: string, docIndex: number, path: Path, value: NewValue): string {
  const { tokens, docs } = cstDocuments(text);
  const doc = docs[docIndex] ?? fail('E_PATH', `the file has no document ${docIndex + 1}`);
  const found = findItem(doc, path);
  const target = found?.parent.items[found.index]?.value;
  if (target && (target.type === 'alias' || CST.isScalar(target))) {
    if ('string' in value) {
      CST.setScalarValue(target, value.string);
      // A plain `42`, `true` or `` would read back as a number, boolean or null: quote it.
      if (target.type === 'scalar' && !readsBackAs(target, value.string)) CST.setScalarValue(target, value.string, { type: 'QUOTE_DOUBLE' });
    } else CST.setScalarValue(target, value.literal, { type: 'PLAIN' });
    return tokens.map((t) => CST.stringify(t)).join('');
  }
  if (target) fail('E_PATH', `${formatPath(path)} is a mapping or list, not a value`);
  return viaDocumentModel(text, docIndex, (d) => {
    const parentPath = path.slice(0, -1);
    const parent = parentPath.length ? d.getIn(parentPath, true) : d.contents;
    if (parentPath.length && !isMap(parent) && !isSeq(parent)) fail('E_PATH', `${formatPath(parentPath)} does not exist: set a value inside an existing mapping`);
    const node = 'string' in value ? d.createNode(value.string) : d.createNode(JSON.parse(value.literal));
    d.setIn(path, node);
  });
}

export function unsetValue(text: string, docIndex: number, path: Path): string {
  const { tokens, docs } = cstDocuments(text);
  const doc = docs[docIndex] ?? fail('E_PATH', `the file has no document ${docIndex + 1}`);
  const found = findItem(doc, path);
  if (!found) fail('E_PATH', `${formatPath(path)} is not in document ${docIndex + 1}`);
  if (found.parent.type !== 'flow-collection' && found.parent.items.length > 1) {
    const [removed] = found.parent.items.splice(found.index, 1);
    const next = found.parent.items[found.index];
    // A nested collection's first item gets its indent from the parent's separator; the item
    // that becomes first must give up its own, or it would be indented twice.
    if (found.index === 0 && next && next.start[0]?.type === 'space') next.start = [...removed!.start, ...next.start.slice(1)];
    return tokens.map((t) => CST.stringify(t)).join('');
  }
  return viaDocumentModel(text, docIndex, (d) => {
    d.deleteIn(path);
  });
}
