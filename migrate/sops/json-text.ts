/**
 * The JSON text of a SOPS JSON document, indented as JSON.stringify indents
 * it, but exact for integers past 2^53 (the YAML parser gives them as
 * bigints) and refusing what JSON cannot hold (+Inf, -Inf, NaN, bytes that
 * are not text) instead of writing null. Pure.
 */
import { fail, type ErrorCode } from '../../core/errors.js';
import { isRecord } from '../../core/is-record.js';

function write(v: unknown, path: readonly string[], pad: string, indent: string, code: ErrorCode): string {
  const refuse = (what: string): never => fail(code, `the value at "${path.join('.')}" is ${what}, which JSON cannot hold`);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : refuse('+Inf, -Inf or NaN');
  if (v instanceof Uint8Array) return refuse('not UTF-8 text (YAML !!binary)');
  const inner = pad + indent;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + write(x, path, inner, indent, code)).join(',\n')}\n${pad}]`;
  }
  if (isRecord(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, [...path, k], inner, indent, code)}`).join(',\n')}\n${pad}}`;
  }
  return refuse('not a JSON value');
}

/** JSON text of `v` with `indent` per level. Throws `code` for a value JSON cannot hold, naming its path. */
export const jsonText = (v: unknown, indent: string, code: ErrorCode): string => write(v, [], '', indent, code);
