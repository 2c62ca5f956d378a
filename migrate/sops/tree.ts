/**
 * SOPS YAML (multi-document too) and JSON files: parse, open with the data
 * key (checking the MAC), and write (export). The MAC is SHA-512 over every
 * leaf value's cleartext in tree order, across all documents — unencrypted
 * ones too, unless `mac_only_encrypted` — with comments and nulls left out;
 * it is stored as uppercase hex, encrypted with lastmodified as additional
 * data. Integers are read as bigints so that none is rounded. A YAML file's
 * scalars (values and keys) are read as Go's yaml.v3 reads them (go-yaml.ts),
 * not by the YAML 1.2 core schema: that is what SOPS hashed and what
 * `sops -d` prints. Pure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Document, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, visit, type Node } from 'yaml';
import { fail } from '../../core/errors.js';
import { jsonText } from './json-text.js';
import { encryptRule, macAad, parseMetadata, type CommentRuns, type EncryptRule, type SopsMetadata } from './metadata.js';
import { goScalar, type GoScalar } from './go-yaml.js';
import { aadOf, decryptValue, encryptValue, isEncValue, isInt64, macText, textOrBytes, type SopsValue } from './values.js';

export type SopsTreeFormat = 'yaml' | 'json';

export interface SopsTreeFile {
  readonly format: SopsTreeFormat;
  readonly metadata: SopsMetadata;
  readonly docs: readonly Document[];
  /** The YAML text the documents were parsed from (comment placement, see keyLineComment). */
  readonly source?: string;
}

export interface OpenOptions {
  readonly ignoreMac?: boolean;
}

export interface OpenedSops {
  readonly plaintext: string;
  readonly format: SopsTreeFormat | 'dotenv';
  /** Whether the stored MAC matched (false only with ignoreMac). */
  readonly macOk: boolean;
  /** Comments that look SOPS-encrypted but do not decrypt, kept as they are (SOPS warns about them too). */
  readonly undecryptedComments: number;
}

export const looksJson = (text: string) => /^\s*[{[]/.test(text);

const BINARY_TAG = 'tag:yaml.org,2002:binary';

export function parseSopsTree(text: string): SopsTreeFile {
  const format: SopsTreeFormat = looksJson(text) ? 'json' : 'yaml';
  const docs = parseAllDocuments(text, { uniqueKeys: false, intAsBigInt: true, customTags: ['binary'] });
  if (!Array.isArray(docs)) fail('E_SOPS', 'the SOPS file is empty');
  for (const d of docs) if (d.errors.length) fail('E_YAML', `the SOPS file is not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${d.errors[0]!.message.split('\n')[0]}`);
  // yaml.v3's parser takes a %YAML directive for version 1.1 only ("found incompatible YAML document").
  if (format === 'yaml' && docs.some((d) => d.directives?.yaml.explicit && d.directives.yaml.version !== '1.1')) fail('E_SOPS', 'the SOPS file has a %YAML directive for a version other than 1.1, which Go sops cannot read');
  const first = docs[0];
  if (!first || !isMap(first.contents)) fail('E_SOPS', 'the SOPS file does not hold a mapping');
  const sops = first.contents.get('sops', true);
  return { format, metadata: parseMetadata(sops ? (sops as Node).toJSON() : undefined), docs, source: text };
}

/** Every candidate additional data for a comment at `path`, innermost first (SOPS binds comments to their enclosing mapping). */
const commentAads = (path: readonly string[]) => Array.from({ length: path.length + 1 }, (_, i) => aadOf(path.slice(0, path.length - i)));

/** Decrypts the SOPS-encrypted lines of a comment; `undecrypted` is called for each that does not open. */
function openComment(text: string | null | undefined, path: readonly string[], key: Uint8Array, undecrypted: () => void): string | undefined {
  if (!text) return text ?? undefined;
  return text
    .split('\n')
    .map((line) => {
      const t = line.trim();
      if (!t.startsWith('ENC[') || !isEncValue(t)) return line;
      for (const aad of commentAads(path)) {
        try {
          return String(decryptValue(t, key, aad).value);
        } catch {
          /* next candidate */
        }
      }
      // A comment that does not open is kept as it is, never dropped.
      undecrypted();
      return line;
    })
    .join('\n');
}

interface Walker {
  /** Every scalar, nulls included. */
  leaf(node: Scalar, path: readonly string[], encrypted: boolean): void;
  comments?(node: { commentBefore?: string | null; comment?: string | null }, path: readonly string[]): void;
  /** A mapping key's text; `path` is the mapping's. keyText unless given. */
  key?(k: unknown, path: readonly string[]): string;
}

function keyText(k: unknown): string {
  if (isScalar(k)) return String(k.value);
  fail('E_SOPS', 'the SOPS file has a mapping key that is not a scalar');
}

const where = (path: readonly string[]) => `"${path.join('.')}"`;

/** A scalar node as Go's yaml.v3 decodes it. */
const goOf = (node: Scalar): GoScalar => goScalar(node.tag, node.type === Scalar.PLAIN, node.source ?? String(node.value));

const GO_KIND: Record<GoScalar['kind'], string> = {
  null: 'null',
  str: 'a string',
  bool: 'a boolean',
  int: 'an integer',
  uint64: 'an integer',
  float: 'a float',
  time: 'a timestamp',
  bytes: 'a string',
  error: 'a value it cannot decode',
};

/**
 * A mapping key as Go sops reads it: SOPS walks only string keys ("Tree
 * contains a non-string key"), so a key yaml.v3 reads as a number, boolean,
 * null or timestamp (`1:`, `true:`, `~:`, `2001-12-14:`) makes SOPS refuse
 * the file, and gitseal refuses it too.
 */
function goKey(k: unknown, path: readonly string[]): string {
  if (!isScalar(k)) fail('E_SOPS', 'the SOPS file has a mapping key that is not a scalar');
  const g = goOf(k);
  if (g.kind === 'str') return g.value;
  if (g.kind === 'bytes') {
    const t = textOrBytes(g.value);
    if (typeof t === 'string') return t;
  }
  fail('E_SOPS', `a mapping at ${where(path)} has a key that YAML (as Go sops reads it) takes for ${GO_KIND[g.kind]}${g.kind === 'bytes' ? ' that is not UTF-8 text' : ', not a string'}: SOPS refuses such a file; quote the key`);
}

/**
 * A YAML leaf as Go sops reads it; undefined for a null, which SOPS skips
 * (and leaves out of the MAC). Refuses (E_SOPS, never quoting the value)
 * what SOPS cannot walk or hash: a uint64, a timestamp Go cannot marshal,
 * a scalar yaml.v3 cannot decode.
 */
function goValue(node: Scalar, path: readonly string[]): SopsValue | undefined {
  const g = goOf(node);
  switch (g.kind) {
    case 'null':
      return undefined;
    case 'str':
    case 'bool':
      return g.value;
    case 'int':
      return Number.isSafeInteger(Number(g.value)) ? Number(g.value) : g.value;
    case 'float':
      return { float: g.value };
    case 'time':
      if (g.text === undefined) fail('E_SOPS', `the value at ${where(path)} is a YAML timestamp whose zone offset is 24 hours or more, which Go cannot write as RFC 3339: SOPS refuses such a file`);
      return g.text;
    case 'bytes':
      return textOrBytes(g.value);
    case 'uint64':
      fail('E_SOPS', `the value at ${where(path)} is an integer from 2^63 to 2^64-1, which Go's YAML reads as a uint64 that SOPS cannot hash or decrypt: SOPS refuses such a file`);
    case 'error':
      fail('E_SOPS', `the value at ${where(path)} ${g.reason}, so Go's YAML cannot decode it: SOPS refuses such a file`);
  }
}

/** Whether Go's yaml.v3 reads `s`, written as a plain scalar, as that same string. */
function goPlainString(s: string): boolean {
  const g = goScalar(undefined, true, s);
  return g.kind === 'str' && g.value === s;
}

/** Double-quotes a string scalar the export would write plain where Go would read it as something else (1_000, 0b101, 2001-12-14). */
function quoteForGo(node: Scalar): void {
  if (typeof node.value === 'string' && (node.type === undefined || node.type === Scalar.PLAIN) && !goPlainString(node.value)) node.type = Scalar.QUOTE_DOUBLE;
}

/**
 * A mapping key of an exported YAML file: SOPS walks only string keys, so a
 * key that is not a string is refused (E_UNSUPPORTED), and one Go would read
 * as something else when plain is quoted.
 */
function exportKey(k: unknown, path: readonly string[]): string {
  if (!isScalar(k)) fail('E_UNSUPPORTED', `a mapping at ${where(path)} has a key that is not a scalar, which SOPS cannot hold`);
  if (typeof k.value !== 'string') fail('E_UNSUPPORTED', `a mapping at ${where(path)} has a key that is not a string, which SOPS refuses: quote it to export it`);
  quoteForGo(k);
  return k.value;
}

/** Whether two readings of a leaf are the same Go value (type and value). */
function sameValue(a: SopsValue, b: SopsValue): boolean {
  if (typeof a === 'object' && typeof b === 'object') {
    if ('float' in a && 'float' in b) return Object.is(a.float, b.float);
    if ('bytes' in a && 'bytes' in b) return Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
    return false;
  }
  const isInt = (v: SopsValue): v is number | bigint => typeof v === 'bigint' || typeof v === 'number';
  if (isInt(a) && isInt(b)) return BigInt(a) === BigInt(b);
  return a === b;
}

/** The comment lines of a node's comment text as Go's YAML store makes them tree items: blank lines are no comments. */
const commentLines = (c: string | null | undefined): string[] => (c ? c.split('\n').filter((l) => l !== '') : []);

type Commented = { commentBefore?: string | null; comment?: string | null };

/**
 * The comments a collection brings before its first item when its parent
 * has not taken them (Go's nodeToTreeValue with commentsWereHandled false):
 * the comments above it, and the comment after a flow collection's closing
 * bracket (yaml.v3's LineComment of the node).
 */
function ownComments(node: Commented & { flow?: boolean }): string[] {
  return [...commentLines(node.commentBefore), ...(node.flow ? commentLines(node.comment) : [])];
}

/**
 * The comment after `key:` on the key's own line when the value is a
 * collection (`a: # note`): yaml.v3 makes it the key's LineComment, in the
 * parent mapping's run, while the yaml package puts it first in the value's
 * commentBefore. Found in the source text, after the key.
 */
function keyLineComment(key: unknown, value: Commented, source: string | undefined): string | undefined {
  if (source === undefined || !isScalar(key) || !key.range || !value.commentBefore) return undefined;
  const end = source.indexOf('\n', key.range[1]);
  const rest = source.slice(key.range[1], end < 0 ? undefined : end);
  const m = /^[ \t]*:[ \t]+#(.*?)\r?$/.exec(rest);
  return m && value.commentBefore.split('\n')[0] === m[1] ? m[1] : undefined;
}

/**
 * Walks a document's tree in Go sops's order, keeping the comments in force
 * (CommentRuns) as walkBranch and walkSlice do: each collection opens a run
 * of its own; comment lines join the run of the collection they stand in;
 * every item that is not a comment ends its collection's run once walked.
 * The comments are read as the file spells them, before w.comments decrypts
 * any (Go matches the regexes against the file's text too). `pre`: the
 * comments a collection's run starts with, when its parent has decided them
 * (a sequence item's go to the sequence's run; see keyLineComment).
 */
function walk(node: unknown, path: readonly string[], rule: EncryptRule, w: Walker, top: boolean, runs: CommentRuns = [], pre?: string[], source?: string): void {
  if (node === null || node === undefined) return;
  if (isAlias(node)) fail('E_SOPS', 'the SOPS file uses a YAML alias, which SOPS itself does not write');
  if (isMap(node) || isSeq(node)) {
    const run: string[] = pre ?? ownComments(node);
    const stack = [...runs, run];
    w.comments?.(node, path);
    if (isSeq(node)) {
      for (const item of node.items) {
        if (isScalar(item)) run.push(...commentLines(item.commentBefore), ...commentLines(item.comment));
        else if (isMap(item) || isSeq(item)) run.push(...ownComments(item));
        walk(item, path, rule, w, false, stack, [], source);
        run.length = 0;
      }
      return;
    }
    // Checked here, in linear time: the parser's own uniqueKeys check is quadratic in the mapping's size.
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = w.key ? w.key(pair.key, path) : keyText(pair.key);
      if (seen.has(k)) fail('E_DUPLICATE_KEY', `a mapping at "${path.join('.')}" has the same key twice`);
      seen.add(k);
      const v = pair.value;
      if (isScalar(pair.key)) run.push(...commentLines(pair.key.commentBefore), ...commentLines(pair.key.comment));
      let valuePre: string[] | undefined;
      if (isScalar(v)) run.push(...commentLines(v.commentBefore), ...commentLines(v.comment));
      else if (isMap(v) || isSeq(v)) {
        const line = keyLineComment(pair.key, v, source);
        if (line !== undefined) {
          run.push(line);
          valuePre = ownComments(v).slice(1);
        }
      }
      // SOPS takes the sops item out of the tree before walking it: the comments before it stay in the run.
      if (top && k === 'sops') continue;
      if (isScalar(pair.key)) w.comments?.(pair.key, path);
      walk(v, [...path, k], rule, w, false, stack, valuePre, source);
      run.length = 0;
    }
  } else if (isScalar(node)) {
    w.comments?.(node, path);
    w.leaf(node, path, rule(path, runs));
  }
}

const isNull = (node: Scalar) => node.value === null || node.value === undefined;

function scalarValue(node: Scalar): SopsValue {
  const v = node.value;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (typeof v === 'number') return !Number.isInteger(v) || (node.minFractionDigits ?? 0) > 0 || /[.eE]/.test(node.source ?? '') ? { float: v } : v;
  // !!binary: yaml.v3 reads it as the string of its bytes, which SOPS encrypts as str.
  if (v instanceof Uint8Array) return { bytes: v };
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Rewrites a clear YAML leaf to the value Go read (null for a Go nil), without the tag or spelling the file had. */
function setClear(node: Scalar, v: SopsValue | null): void {
  if (v === null) {
    node.type = undefined;
    node.format = undefined;
    node.value = null;
  } else setScalar(node, v);
  if (v === null || typeof v !== 'object' || !('bytes' in v)) node.tag = undefined;
  if (v === null || typeof v !== 'object' || !('float' in v)) node.minFractionDigits = 0;
}

/** Go's JSON store reads every number as a float64, so an unencrypted JSON number counts in the MAC as one. */
const asJsonNumber = (v: SopsValue): SopsValue => (typeof v === 'number' || typeof v === 'bigint' ? { float: Number(v) } : v);

function setScalar(node: Scalar, v: SopsValue): void {
  node.type = undefined;
  node.format = undefined;
  if (typeof v !== 'object') node.value = v;
  else if ('float' in v) {
    node.value = v.float;
    node.minFractionDigits = Number.isInteger(v.float) ? 1 : 0;
  } else {
    // A decrypted string that is not UTF-8 text, written back as yaml.v3 (sops -d) writes it.
    node.value = v.bytes;
    node.tag = BINARY_TAG;
  }
}

/**
 * With mac_only_encrypted, SOPS first feeds the MAC these fixed 32 bytes, so
 * a MAC over only the encrypted values never equals one over all values.
 */
export const MAC_ONLY_ENCRYPTED_INIT = Uint8Array.of(0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b, 0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69);

export function newMac(macOnlyEncrypted: boolean) {
  const hash = createHash('sha512');
  if (macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  return hash;
}

export function openSopsTree(f: SopsTreeFile, key: Uint8Array, opts: OpenOptions = {}): OpenedSops {
  const rule = encryptRule(f.metadata);
  const hash = newMac(f.metadata.macOnlyEncrypted);
  let undecryptedComments = 0;
  const undecrypted = () => void undecryptedComments++;
  for (const doc of f.docs) {
    const docComments = (n: { commentBefore?: string | null; comment?: string | null }, path: readonly string[]) => {
      const before = openComment(n.commentBefore, path, key, undecrypted);
      const after = openComment(n.comment, path, key, undecrypted);
      if (n.commentBefore !== undefined || before !== undefined) n.commentBefore = before ?? null;
      if (n.comment !== undefined || after !== undefined) n.comment = after ?? null;
    };
    // Go's YAML store puts the document's head comment first in the top-level mapping's run.
    const topComments = isMap(doc.contents) || isSeq(doc.contents) ? [...commentLines(doc.commentBefore), ...ownComments(doc.contents)] : [];
    docComments(doc, []);
    walk(doc.contents, [], rule, {
      leaf(node, path, encrypted) {
        let v: SopsValue;
        if (f.format === 'yaml') {
          const go = goValue(node, path);
          if (go === undefined) {
            if (!isNull(node)) setClear(node, null);
            return;
          }
          // A clear value the YAML 1.2 core schema reads otherwise (017, 1_000, 0b101, 2001-12-14) is written as Go read it, as `sops -d` prints it.
          if (isNull(node) || !sameValue(scalarValue(node), go)) setClear(node, go);
          v = go;
        } else {
          if (isNull(node)) return;
          v = asJsonNumber(scalarValue(node));
        }
        let mac = v;
        if (encrypted) {
          // Go decrypts every value its rule covers: one that is not ENC[...] (an empty string excepted, which SOPS leaves empty) makes it fail ("does not match sops' data format"), so a value may not be put in clear where the rule wants it encrypted.
          if (typeof v !== 'string' || !(v === '' || isEncValue(v))) fail('E_SOPS', `the value at ${where(path)} is not encrypted, but the file's rules say SOPS encrypted it: SOPS cannot decrypt such a file (was the value, or a comment that marks it, edited?)`);
          if (v !== '') {
            mac = decryptValue(v, key, aadOf(path)).value;
            setScalar(node, mac);
          }
        }
        if (!f.metadata.macOnlyEncrypted || encrypted) hash.update(macText(mac));
      },
      comments: docComments,
      ...(f.format === 'yaml' ? { key: goKey } : {}),
    }, true, [], topComments, f.source);
    if (isMap(doc.contents)) doc.contents.delete('sops');
  }
  const macOk = checkMac(f.metadata, key, hash.digest('hex').toUpperCase(), opts);
  if (f.format === 'json') {
    const js = f.docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
    return { plaintext: `${jsonText(js.length === 1 ? js[0] : js, '  ', 'E_SOPS')}\n`, format: 'json', macOk, undecryptedComments };
  }
  return { plaintext: joinDocs(f.docs, {}), format: 'yaml', macOk, undecryptedComments };
}

/** A YAML stream: every document after the first starts with "---". */
function joinDocs(docs: readonly Document[], opts: { indent?: number; indentSeq?: boolean }): string {
  return docs
    .map((d, i) => {
      if (i > 0 && d.directives) d.directives.docStart = true;
      const t = d.toString({ lineWidth: 0, ...opts });
      return i > 0 && !t.startsWith('---') ? `---\n${t}` : t;
    })
    .join('');
}

/** Compares the stored MAC with the computed one; E_SOPS_MAC on mismatch unless ignoreMac. */
export function checkMac(meta: SopsMetadata, key: Uint8Array, computed: string, opts: OpenOptions): boolean {
  if (!meta.mac) {
    if (opts.ignoreMac) return false;
    fail('E_SOPS_MAC', 'the SOPS file has no MAC: pass --ignore-mac to import it anyway');
  }
  let stored: string | undefined;
  try {
    const v = decryptValue(meta.mac, key, macAad(meta.lastModified)).value;
    stored = typeof v === 'string' ? v : undefined;
  } catch (e) {
    if (!opts.ignoreMac) throw e;
  }
  const ok = stored !== undefined && stored.toUpperCase() === computed;
  if (!ok && !opts.ignoreMac) fail('E_SOPS_MAC', 'the SOPS MAC does not match: the file was modified after SOPS wrote it (pass --ignore-mac to import it anyway)');
  return ok;
}

// ---------------------------------------------------------------- export

export interface SealSopsOptions {
  readonly ageKeys: ReadonlyArray<{ recipient: string; enc: string }>;
  /** RFC 3339, seconds precision, e.g. 2026-01-02T03:04:05Z. */
  readonly lastModified: string;
  readonly version: string;
  readonly unencryptedSuffix?: string;
  readonly random?: (n: number) => Uint8Array;
}

export interface SealedSops {
  readonly text: string;
  /** How many comments were left out (SOPS would encrypt them; gitseal writes none). */
  readonly droppedComments: number;
  /** How many !!binary values were written as the string of their bytes, as SOPS writes them. */
  readonly binaryValues: number;
}

export function metadataBlock(opts: SealSopsOptions, mac: string): Record<string, unknown> {
  return {
    age: opts.ageKeys.map((k) => ({ recipient: k.recipient, enc: k.enc })),
    lastmodified: opts.lastModified,
    mac,
    unencrypted_suffix: opts.unencryptedSuffix ?? '_unencrypted',
    version: opts.version,
  };
}

/** Encrypts a plaintext YAML stream or JSON document as a SOPS file with `key`. */
export function sealSopsTree(plaintext: string, key: Uint8Array, opts: SealSopsOptions): SealedSops {
  const json = looksJson(plaintext);
  const docs = parseAllDocuments(plaintext, { uniqueKeys: false, intAsBigInt: true });
  if (!Array.isArray(docs) || docs.length === 0) fail('E_YAML', 'nothing to export');
  const random = opts.random ?? ((n: number) => randomBytes(n));
  const rule = encryptRule({ unencryptedSuffix: opts.unencryptedSuffix ?? '_unencrypted' });
  const hash = createHash('sha512');
  let dropped = 0;
  let binaryValues = 0;
  for (const doc of docs) {
    if (doc.errors.length) fail('E_YAML', 'the decrypted file is not valid YAML');
    if (!isMap(doc.contents)) fail('E_NOT_MAPPING', 'a SOPS document must be a mapping');
    const strip = (n: { commentBefore?: string | null; comment?: string | null }) => {
      if (n.commentBefore) dropped += n.commentBefore.split('\n').length;
      if (n.comment) dropped += n.comment.split('\n').length;
      n.commentBefore = null;
      n.comment = null;
    };
    strip(doc);
    walk(doc.contents, [], rule, {
      leaf(node, path, encrypted) {
        if (isNull(node)) return;
        const v = scalarValue(node);
        // Go's int is 64 bits: SOPS refuses a larger integer or rounds it to a float.
        if (typeof v === 'bigint' && !isInt64(v)) fail('E_UNSUPPORTED', `the integer at "${path.join('.')}" does not fit in 64 bits, which SOPS cannot hold: quote it to export it as a string`);
        if (typeof v === 'object' && 'bytes' in v) binaryValues++;
        hash.update(macText(json && !encrypted ? asJsonNumber(v) : v));
        // A clear string stays the string SOPS hashes only if Go reads it back as one.
        if (!encrypted && !json) quoteForGo(node);
        if (encrypted) {
          node.value = encryptValue(v, key, aadOf(path), random(32));
          node.type = Scalar.PLAIN;
          node.tag = undefined;
          node.minFractionDigits = 0;
        }
      },
      comments: strip,
      ...(json ? {} : { key: exportKey }),
    }, true);
    if (doc.contents.has('sops')) fail('E_UNSUPPORTED', 'the document has a top-level "sops" key, which SOPS reserves');
  }
  const mac = encryptValue(hash.digest('hex').toUpperCase(), key, macAad(opts.lastModified), random(32));
  const meta = metadataBlock(opts, mac);
  if (json) {
    const js = docs.map((d) => ({ ...(d.toJS() as Record<string, unknown>), sops: meta }));
    if (js.length !== 1) fail('E_UNSUPPORTED', 'a JSON SOPS file holds one document');
    return { text: `${jsonText(js[0], '    ', 'E_UNSUPPORTED')}\n`, droppedComments: dropped, binaryValues };
  }
  for (const d of docs) {
    visit(d, { Map: (_k, n) => void (n.flow = false), Seq: (_k, n) => void (n.flow = false) });
    const node = d.createNode(meta);
    const lm = node.get('lastmodified', true);
    if (isScalar(lm)) lm.type = Scalar.QUOTE_DOUBLE;
    (d.contents as { set(k: unknown, v: unknown): void }).set('sops', node);
  }
  const text = joinDocs(docs, { indent: 4, indentSeq: true });
  return { text, droppedComments: dropped, binaryValues };
}
