/**
 * Encrypted documents ⇄ file text. Emission is line-stable on purpose: one
 * line per value, fixed field order, so a changed value changes one line.
 * Parsing takes a fast path for files as gitseal writes them (the `yaml`
 * package needs ~25 µs a line, too slow for 100,000-value files) and falls
 * back to the full YAML parser for anything else, e.g. a hand-reformatted
 * file; both produce the same plain object for `fromDisk`.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { fail } from '../errors.js';
import { envelopeToDisk, firstRepeat, fromDisk, GENERIC_KEY, objectKeyOf, headerToDisk, toDisk, type EncryptedDocument, type SealedPartOnDisk } from './encrypted-document.js';
import { canonicalEntries } from './layout.js';
import { refuseConflicted } from './conflict-markers.js';

export type FileFormat = 'yaml' | 'json';

export function detectFormat(text: string): FileFormat {
  return /^\s*\{/.test(text) ? 'json' : 'yaml';
}

const SAFE = /^[A-Za-z0-9._\-/*]+$/;

function emitSealed(doc: EncryptedDocument, indent: string): string[] {
  const i2 = indent + '  ';
  const env = envelopeToDisk(doc.envelope);
  const lines = [`${indent}scope: ${doc.scope}`, `${indent}layout: ${doc.layout}`];
  if (doc.entries.length === 0) lines.push(`${indent}encryptedData: {}`);
  else {
    lines.push(`${indent}encryptedData:`);
    for (const [k, v] of canonicalEntries(doc.entries)) lines.push(`${i2}${k}: ${v}`);
  }
  lines.push(`${indent}envelope:`, `${i2}version: ${env.version}`, `${i2}id: ${env.id}`, `${i2}file: ${env.file}`, `${i2}after: ${env.after}`, `${i2}last: ${env.last}`, `${i2}recipients:`);
  for (const r of env.recipients) lines.push(`${i2}  - kid: ${r.kid}`, `${i2}    alg: ${r.alg}`, `${i2}    enc: ${r.enc}`, `${i2}    dek: ${r.dek}`);
  lines.push(`${i2}mac: ${env.mac}`);
  if (env.signature) lines.push(`${i2}signature: ${env.signature}`);
  return lines;
}

export function emitEncrypted(docs: readonly EncryptedDocument[], format: FileFormat): string {
  if (format === 'json') {
    if (docs.length !== 1) fail('E_UNSUPPORTED', 'JSON files hold one document');
    const { header, sealed } = toDisk(docs[0]!);
    const key = docs[0]!.mode === 'generic' ? GENERIC_KEY : 'spec';
    return JSON.stringify({ ...header, [key]: sealed }, null, 2) + '\n';
  }
  return docs
    .map((doc) => {
      const header = headerToDisk(doc);
      const head = Object.keys(header).length ? stringify(header, { lineWidth: 0 }) : '';
      const key = doc.mode === 'generic' ? GENERIC_KEY : 'spec';
      return head + `${key}:\n` + emitSealed(doc, '  ').join('\n') + '\n';
    })
    .join('---\n');
}

/** Reads the block after `spec:` / `gitseal:` as gitseal writes it; null when it is written any other way. */
function fastSealed(lines: string[]): SealedPartOnDisk | null {
  let i = 0;
  const field = (indent: string, name: string): string | null => {
    const line = lines[i];
    const prefix = `${indent}${name}: `;
    if (line === undefined || !line.startsWith(prefix)) return null;
    const v = line.slice(prefix.length);
    if (!SAFE.test(v)) return null;
    i++;
    return v;
  };
  const scope = field('  ', 'scope');
  const layout = field('  ', 'layout');
  if (scope === null || layout === null) return null;
  const encryptedData: Record<string, string> = {};
  if (lines[i] === '  encryptedData: {}') i++;
  else if (lines[i] === '  encryptedData:') {
    i++;
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.startsWith('    ')) break;
      const sep = line.indexOf(': ', 4);
      if (sep < 0) return null;
      const k = line.slice(4, sep);
      const v = line.slice(sep + 2);
      if (!SAFE.test(k) || !SAFE.test(v) || k in encryptedData) return null;
      encryptedData[k] = v;
    }
  } else return null;
  if (lines[i++] !== '  envelope:') return null;
  const version = field('    ', 'version');
  const id = field('    ', 'id');
  const file = field('    ', 'file');
  const after = field('    ', 'after');
  const last = field('    ', 'last');
  if (version !== '1' || id === null || file === null || after === null || (last !== 'true' && last !== 'false') || lines[i++] !== '    recipients:') return null;
  const recipients = [];
  while (lines[i]?.startsWith('      - kid: ')) {
    lines[i] = lines[i]!.replace('      - kid: ', '        kid: ');
    const kid = field('        ', 'kid');
    const alg = field('        ', 'alg');
    const enc = field('        ', 'enc');
    const dek = field('        ', 'dek');
    if (kid === null || alg === null || enc === null || dek === null) return null;
    recipients.push({ kid, alg, enc, dek });
  }
  const mac = field('    ', 'mac');
  if (mac === null) return null;
  const signature = lines[i]?.startsWith('    signature: ') ? field('    ', 'signature') : undefined;
  if (signature === null) return null;
  while (i < lines.length && lines[i] === '') i++;
  if (i !== lines.length) return null;
  const envelope = { version: 1, id, file, after, last: last === 'true', recipients, mac, ...(signature === undefined ? {} : { signature }) };
  return { scope, layout, encryptedData, envelope };
}

/** gitseal never writes aliases into an encrypted file: one is E_YAML (the yaml package throws a ReferenceError). */
function withoutAliases(doc: { toJS(o: { maxAliasCount: number }): unknown }): unknown {
  try {
    return doc.toJS({ maxAliasCount: 0 });
  } catch {
    return fail('E_YAML', 'the encrypted file uses a YAML alias, which gitseal never writes');
  }
}

function fastDocument(text: string): Record<string, unknown> | null {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l === 'spec:' || l === `${GENERIC_KEY}:`);
  if (at < 0) return null;
  const sealed = fastSealed(lines.slice(at + 1));
  if (!sealed) return null;
  const head = lines.slice(0, at).join('\n');
  const docs = parseAllDocuments(head, { uniqueKeys: true });
  if (!Array.isArray(docs) || docs.length > 1 || docs[0]?.errors.length) return null;
  const header = docs[0] ? withoutAliases(docs[0]) : {};
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return null;
  const key = lines[at]!.slice(0, -1);
  if (key in header) return null;
  return { ...(header as Record<string, unknown>), [key]: sealed };
}

/**
 * Parses an encrypted file. Throws E_NOT_ENCRYPTED, E_FORMAT (also for unresolved merge conflicts), E_VERSION,
 * E_YAML, or E_TAMPERED for an object or document the file holds twice.
 */
export function parseEncrypted(text: string): { docs: EncryptedDocument[]; format: FileFormat } {
  refuseConflicted(text);
  const format = detectFormat(text);
  if (format === 'json') {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      fail('E_YAML', 'the input is not valid JSON');
    }
    return { docs: refuseMisplaced([fromDisk(obj, 0)]), format };
  }
  return { docs: refuseMisplaced(refuseRepeated(yamlStream(text))), format };
}

/**
 * Each document names its file and the document before it, and the last says so (schemas/FORMAT.md §2):
 * a document reordered, dropped, appended or moved in from another file breaks the chain. The MAC then
 * proves the chain was not edited.
 */
export function refuseMisplaced(docs: EncryptedDocument[]): EncryptedDocument[] {
  // Every document dropped leaves a file that would decrypt to nothing: it is no encrypted file at all.
  if (docs.length === 0) fail('E_NOT_ENCRYPTED', 'the file holds no gitseal document');
  const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('hex') : null);
  const fileId = hex(docs[0]?.envelope.file.fileId ?? null);
  docs.forEach((d, i) => {
    const { file } = d.envelope;
    const where = `document ${i + 1} of ${docs.length}`;
    if (hex(file.fileId) !== fileId) fail('E_TAMPERED', `${where} belongs to another file: a document was moved or copied in from another file`);
    const before = i === 0 ? null : hex(docs[i - 1]!.envelope.docId);
    if (hex(file.after) !== before)
      fail('E_TAMPERED', `${where} ${file.after === null ? 'says it is the first' : before === null ? 'is first but says it follows another document' : 'does not follow the document before it'}: documents were reordered, dropped or inserted`);
    if (file.last !== (i === docs.length - 1)) fail('E_TAMPERED', `${where} ${file.last ? 'says it is the last: a document was appended' : 'is last but says more follow: a document was dropped from the end'}`);
  });
  return docs;
}

function yamlStream(text: string): EncryptedDocument[] {
  const parts = text.split(/^---\n/m);
  const fast = parts.map((p) => (p.trim() === '' ? null : fastDocument(p)));
  if (fast.every((d, i) => d !== null || parts[i]!.trim() === '') && fast.some((d) => d !== null)) {
    return fast.filter((d) => d !== null).map((d, i) => fromDisk(d, i));
  }
  const yamlDocs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(yamlDocs)) fail('E_YAML', 'the input is not a YAML stream');
  const objs = yamlDocs.map((d) => {
    if (d.errors.length) fail('E_YAML', `the encrypted file is not valid YAML (${d.errors[0]!.code.toLowerCase()})`);
    return withoutAliases(d);
  });
  return objs.filter((o) => o !== null).map((o, i) => fromDisk(o, i));
}

/**
 * A file holds each object once and each document once: a second EncryptedSecret of the same namespace
 * and name, or a document id seen twice, means a document was appended or duplicated.
 */
function refuseRepeated(docs: EncryptedDocument[]): EncryptedDocument[] {
  const id = firstRepeat(docs, (d) => Buffer.from(d.envelope.docId).toString('hex'));
  const object = firstRepeat(docs, objectKeyOf);
  // The repeat met first while reading, the document id before the object at the same document.
  if (id && (!object || id.second <= object.second)) fail('E_TAMPERED', `documents ${id.first + 1} and ${id.second + 1} have the same document id: a document was duplicated`);
  if (object) fail('E_TAMPERED', `documents ${object.first + 1} and ${object.second + 1} are both the EncryptedSecret ${object.key}: a document was appended or duplicated`);
  return docs;
}
