/**
 * A fast path for the plaintext YAML most secrets are written in: block
 * mappings of plain, quoted or literal-block values, with comments and blank
 * lines. The `yaml` package needs ~20 µs a line to compose a document, which
 * alone would blow the 300 ms budget for a 10,000-value file; this scanner
 * takes ~1 µs. It accepts a strict subset and returns null for anything
 * else (sequences, flow style, anchors, tags, multi-line plain scalars,
 * duplicate keys…), which then goes through the full parser. A property
 * test checks that both paths cut every accepted input identically.
 */
import type { Leaf } from './plain-document.js';
import type { Path } from './name-tokens.js';

export interface FastDocument {
  readonly leaves: Leaf[];
  readonly chunks: string[];
  /** The document as plain JS (strings, numbers, booleans, null, objects). */
  readonly value: Record<string, unknown>;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: |$)/;
const NON_STRING_KEYS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
const JSON_SAFE_DQ = /^"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/;
const SQ = /^'(?:[^'\x00-\x1f]|'')*'/;
const AFTER_VALUE = /^[ ]*(?:[ ]#.*)?$/;
const BLOCK_HEADER = /^\|-?$/;

/** Length of a one-line plain scalar at the start of `v` (the rest being spaces and a comment), or null. */
function plainLength(v: string): number | null {
  const c = v[0]!;
  if ('-?:'.includes(c) && (v.length === 1 || v[1] === ' ')) return null;
  if (',[]{}#&*!|>\'"%@`'.includes(c)) return null;
  const hash = v.indexOf(' #');
  const s = (hash >= 0 ? v.slice(0, hash) : v).replace(/ +$/, '');
  if (s === '' || s.includes(': ') || s.endsWith(':')) return null;
  return s.length;
}

/** YAML 1.2 core schema: what a plain scalar resolves to. */
function resolvePlain(s: string): unknown {
  if (s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (/^[-+]?[0-9]+$/.test(s)) return Number(s);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

interface Frame {
  readonly indent: number;
  readonly path: Path;
  readonly obj: Record<string, unknown>;
}

const indentOf = (line: string): number => {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
};
const isBlankOrComment = (line: string): boolean => /^ *(?:#.*)?$/.test(line);

/** Scans one document's text; null when it is outside the subset. */
function scanDocument(text: string): FastDocument | null {
  const lines = text.split('\n');
  const leaves: Leaf[] = [];
  const chunks: string[] = [];
  const root: Record<string, unknown> = {};
  const stack: Frame[] = [{ indent: 0, path: [], obj: root }];
  let at = 0; // start of the current chunk
  let offset = 0; // start of the current line
  const cut = (start: number, end: number, path: Path, value: unknown, obj: Record<string, unknown>, key: string) => {
    chunks.push(text.slice(at, start));
    leaves.push({ path, raw: text.slice(start, end) });
    obj[key] = value;
    at = end;
  };
  // After `key:` with nothing behind it, the next line decides: deeper opens a child mapping, else the value is empty.
  let pending: { offset: number; path: Path; obj: Record<string, unknown>; key: string } | null = null;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    const lineStart = offset;
    offset += line.length + 1;
    if (line.includes('\t') || line.includes('\r')) return null;
    if (isBlankOrComment(line)) continue;
    if (li === 0 && line === '---') continue;
    const indent = indentOf(line);
    if (pending) {
      if (indent > stack[stack.length - 1]!.indent) {
        const obj: Record<string, unknown> = {};
        pending.obj[pending.key] = obj;
        stack.push({ indent, path: pending.path, obj });
      } else cut(pending.offset, pending.offset, pending.path, null, pending.obj, pending.key);
      pending = null;
    }
    while (stack.length > 1 && indent < stack[stack.length - 1]!.indent) stack.pop();
    const frame = stack[stack.length - 1]!;
    if (indent !== frame.indent) return null;
    const rest = line.slice(indent);
    const m = KEY.exec(rest);
    if (!m) return null;
    const key = m[1]!;
    if (NON_STRING_KEYS.has(key) || Object.prototype.hasOwnProperty.call(frame.obj, key)) return null;
    const path = [...frame.path, key];
    const valueText = rest.slice(m[0].length);
    const valueStart = lineStart + indent + m[0].length;
    if (valueText === '') {
      if (rest !== `${key}:`) return null;
      pending = { offset: lineStart + indent + key.length + 1, path, obj: frame.obj, key };
      frame.obj[key] = null; // reserve the key against duplicates
      continue;
    }
    const first = valueText[0]!;
    if (first === '"' || first === "'") {
      const q = (first === '"' ? JSON_SAFE_DQ : SQ).exec(valueText);
      if (!q || !AFTER_VALUE.test(valueText.slice(q[0].length))) return null;
      const raw = q[0];
      const value = first === '"' ? (JSON.parse(raw) as string) : raw.slice(1, -1).replace(/''/g, "'");
      cut(valueStart, valueStart + raw.length, path, value, frame.obj, key);
    } else if (first === '|') {
      const header = valueText;
      if (!BLOCK_HEADER.test(header)) return null;
      // The block is every following line that is blank or indented deeper than the key.
      let end = li + 1;
      let lastContent = li;
      let blockIndent = -1;
      while (end < lines.length) {
        const l = lines[end]!;
        if (l.includes('\t') || l.includes('\r')) return null;
        if (/^ *$/.test(l)) {
          end++;
          continue;
        }
        const ind = indentOf(l);
        if (ind <= indent) break;
        if (blockIndent < 0) blockIndent = ind;
        else if (ind < blockIndent) return null;
        lastContent = end;
        end++;
      }
      if (blockIndent < 0) return null;
      let endOffset = offset;
      for (let k = li + 1; k <= lastContent; k++) endOffset += lines[k]!.length + 1;
      if (lastContent === lines.length - 1) return null; // no newline after the block: leave to the full parser
      const content = lines.slice(li + 1, lastContent + 1).map((l) => l.slice(blockIndent)).join('\n');
      cut(valueStart, endOffset, path, header === '|' ? content + '\n' : content, frame.obj, key);
      offset = endOffset;
      li = lastContent;
    } else {
      // A deeper line after it would continue a multi-line plain scalar; the indent check below refuses that.
      const n = plainLength(valueText);
      if (n === null) return null;
      cut(valueStart, valueStart + n, path, resolvePlain(valueText.slice(0, n)), frame.obj, key);
    }
  }
  if (pending) cut(pending.offset, pending.offset, pending.path, null, pending.obj, pending.key);
  chunks.push(text.slice(at));
  return { leaves, chunks, value: root };
}

/** Splits on bare `---` lines and scans each document; null when any document is outside the subset. */
export function scanSimpleYaml(text: string): FastDocument[] | null {
  if (text.length === 0 || text.charCodeAt(0) === 0xfeff || text.includes('\r') || /^(?:\.\.\.|%)/m.test(text)) return null;
  const starts = [0];
  const re = /\n---\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + 1);
  const docs: FastDocument[] = [];
  for (let i = 0; i < starts.length; i++) {
    const part = text.slice(starts[i], starts[i + 1] ?? text.length);
    const doc = scanDocument(part);
    if (!doc || doc.leaves.length === 0) return null;
    docs.push(doc);
  }
  return docs;
}
