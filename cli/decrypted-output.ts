/**
 * What `decrypt` and `exec-file` print of decrypted text: the exact original (yaml), JSON, dotenv,
 * or one value picked with `--extract PATH`. The plaintext stays in memory; nothing here writes.
 */
import { randomBytes } from 'node:crypto';
import { parseAllDocuments, stringify, type Document } from 'yaml';
import { fail } from '../core/errors.js';
import { MAX_ALIAS_COUNT } from '../core/format/yaml-store.js';
import { formatPath, parsePathExpression } from '../core/format/plain-document.js';
import { environmentOf } from './exec-environment.js';
import type { OutputType } from './shared-options.js';

/** The decrypted documents as values: integers past 2^53 stay exact (bigint), `!!binary` stays bytes. */
function documentsOf(plain: string): unknown[] {
  return parseAllDocuments(plain, { intAsBigInt: true, uniqueKeys: false })
    .filter((d: Document.Parsed) => d.contents !== null)
    .map((d: Document.Parsed) => d.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown);
}

/** A JSON.stringify replacer: bytes (a Buffer, before its toJSON) as base64, a bigint as `bigint` says. */
const replacer = (bigint: (v: bigint) => unknown) =>
  function (this: Record<string, unknown>, key: string, v: unknown): unknown {
    const original = this[key];
    if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
    return typeof v === 'bigint' ? bigint(v) : v;
  };

/**
 * JSON with integers past 2^53 written exactly (JSON numbers have no limit; JavaScript's do) and bytes as
 * base64. Such an integer is first a string with a random marker, which no value of the file can forge.
 */
export function toJson(value: unknown): string {
  const marker = `bigint-${randomBytes(8).toString('hex')}:`;
  const text = JSON.stringify(value, replacer((v) => (Number.isSafeInteger(Number(v)) ? Number(v) : `${marker}${v}`)), 2);
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

/** `NAME=value` lines; a value that is not plain is double-quoted with \n, \" and \\ escapes (the dotenv convention). */
function toDotenv(documents: readonly unknown[]): string {
  // Variables are text: an integer past 2^53 is written as its digits, bytes as base64.
  const plain = documents.map((d) => JSON.parse(JSON.stringify(d, replacer((v) => v.toString()))) as unknown);
  const { env, skipped } = environmentOf(plain, 'all');
  if (skipped.length) process.stderr.write(`gitseal: not written (not a variable name, or not a single value): ${skipped.join(', ')}\n`);
  const quote = (v: string): string => (/^[\w@%+=:,./-]*$/.test(v) ? v : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`);
  return Object.entries(env)
    .map(([k, v]) => `${k}=${quote(v)}\n`)
    .join('');
}

/** The decrypted file in the asked type; without one, or in its own type, its exact original bytes. */
export function formatDecrypted(plain: string, type: OutputType | undefined, sourceIsJson: boolean): string {
  if (type === undefined || type === (sourceIsJson ? 'json' : 'yaml')) return plain;
  const documents = documentsOf(plain);
  if (type === 'yaml') return documents.map((d) => stringify(d)).join('---\n');
  if (type === 'dotenv') return toDotenv(documents);
  return `${toJson(documents.length === 1 ? documents[0] : documents)}\n`;
}

/**
 * The value at `expression` (`stringData.password`, `data["tls.key"]`, or sops's `["data"]["password"]`):
 * a string raw, without a newline (as sops prints it); a number or boolean as text; a mapping or list
 * in `type` (YAML unless json). The path must lead to a value in exactly one document.
 */
export function extractValue(plain: string, expression: string, type: OutputType): string {
  const path = parsePathExpression(expression);
  const found: Array<{ doc: number; value: unknown }> = [];
  documentsOf(plain).forEach((d, i) => {
    let v: unknown = d;
    for (const seg of path) {
      if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
      v = Array.isArray(v) ? (typeof seg === 'number' ? v[seg] : undefined) : (v as Record<string, unknown>)[String(seg)];
    }
    if (v !== undefined) found.push({ doc: i + 1, value: v });
  });
  if (found.length === 0) fail('E_PATH', `no document has ${formatPath(path)}`);
  if (found.length > 1) fail('E_PATH', `documents ${found.map((f) => f.doc).join(', ')} all have ${formatPath(path)}: split the file, or extract from one document`);
  const value = found[0]!.value;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value === null || typeof value !== 'object') return String(value);
  return type === 'json' ? `${toJson(value)}\n` : stringify(value);
}
