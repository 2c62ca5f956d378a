/**
 * The format-neutral view of one plaintext document that the cipher works
 * on: its values in document order, each with its key path and its exact
 * source text, and the text around them. Everything that is not a value
 * (keys, comments, indentation, quoting marks of keys, anchors, blank lines)
 * lives in the chunks, which become the encrypted layout.
 */
import { GitsealError } from '../errors.js';
import type { Path } from './name-tokens.js';

export interface Leaf {
  readonly path: Path;
  /** The value exactly as written in the source: quotes, block header and all. */
  readonly raw: string;
}

export interface PlainDocument {
  readonly leaves: readonly Leaf[];
  /** chunks.length === leaves.length + 1; the text is chunk0 raw0 chunk1 raw1 … chunkN. */
  readonly chunks: readonly string[];
}

export function renderPlain(doc: PlainDocument): string {
  return renderChunks(doc.chunks, doc.leaves.map((l) => l.raw));
}

/** The text of a document from its layout chunks and its values' source text: chunk0 raw0 chunk1 … chunkN. */
export function renderChunks(chunks: readonly string[], raws: readonly string[]): string {
  const parts: string[] = [chunks[0] ?? ''];
  for (let i = 0; i < raws.length; i++) parts.push(raws[i]!, chunks[i + 1] ?? '');
  return parts.join('');
}

/** Human form of a path for messages and `set`: `stringData.password`, `a.b[2].c`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_\-/]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Parses `a.b[2].c` and `a["x.y"]` into a path; throws E_PATH on malformed input. */
export function parsePathExpression(expr: string): Path {
  const path: Array<string | number> = [];
  const re = /\s*(?:\.?([^.[\]"]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/y;
  let i = 0;
  while (i < expr.length) {
    re.lastIndex = i;
    const m = re.exec(expr);
    if (!m || (m[1] !== undefined && i > 0 && expr[i] !== '.')) throw pathError(expr);
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    else path.push(JSON.parse(m[3]!) as string);
    i = re.lastIndex;
  }
  if (path.length === 0) throw pathError(expr);
  return path;
}

const pathError = (expr: string) =>
  new GitsealError('E_PATH', `"${expr}" is not a path: write keys with dots and indexes in brackets, e.g. stringData.password or a.b[2].c`);
