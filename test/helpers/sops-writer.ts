/**
 * An independent SOPS writer for tests: @noble/ciphers AES-GCM, @noble/hashes
 * SHA-512 and age-encryption, sharing no code with migrate/sops (the reader),
 * so a misreading of the format on one side cannot hide on the other.
 * Written from Go sops's source (sops.go Tree.Encrypt, aes/cipher.go,
 * stores/yaml and stores/json):
 * - values: AES-256-GCM, 32-byte IVs, AAD "a:b:" (the key path; sequence
 *   items use their parent's), types str, int (strconv.Itoa), float
 *   (strconv.FormatFloat(v, 'f', -1, 64): "+Inf", "-Inf", "NaN" included),
 *   bool ("true"/"false"); an empty string stays empty;
 * - MAC: uppercase hex SHA-512 over every non-null leaf (ToBytes: booleans as
 *   "True"/"False", a string as its bytes) in tree order, one hash across all
 *   documents of a file; with mac_only_encrypted, 32 fixed bytes first and
 *   then only the values that get encrypted; encrypted with lastmodified as AAD;
 * - multi-document YAML: every document carries the same `sops` block, last
 *   (EmitEncryptedFile); SOPS reads the first document's;
 * - binary files: the JSON store with one "data" key holding the whole file;
 * - clear values spelled as the test chooses ({ plain, go }): SOPS's YAML
 *   store reads every scalar with gopkg.in/yaml.v3, so `017` is the int 15
 *   and `2001-12-14` a time.Time that ToBytes hashes as its MarshalText
 *   ("2001-12-14T00:00:00Z"); the test says what Go reads (`go`), the writer
 *   writes `plain` as it is and hashes `go` as ToBytes does;
 * - comments (YAML only): `comment(text)` entries in a mapping or sequence,
 *   in order, are Go's Comment tree items (text: what follows the "#").
 *   Which values (and comments) get encrypted follows sops.go's
 *   shouldBeEncrypted with its commentsStack as walkBranch/walkSlice keep it:
 *   one run of comments per enclosing collection, a comment joining its
 *   collection's run, every other item clearing its collection's run once
 *   walked; unencrypted_comment_regex leaves clear what has a matching
 *   comment anywhere on the stack, encrypted_comment_regex encrypts only
 *   that (a comment is not its own marker). An encrypted comment is written
 *   `#ENC[...,type:comment]` with its collection's path as additional data;
 *   comments never count in the MAC.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { armor, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { stringify } from 'yaml';

/** `bytes`: a Go string that is not text (what YAML !!binary decodes to). */
export type Leaf = string | number | bigint | boolean | null | { float: number } | { bytes: Uint8Array } | PlainLeaf;
export type Tree = Leaf | Comment | Tree[] | { [k: string]: Tree };

/** A comment line (Go's sops.Comment): `text` is what follows the "#". In a mapping its key is ignored. */
export class Comment {
  constructor(readonly text: string) {}
}
/** A comment item: `{ c1: comment(' sops:enc'), password: 'x' }`, `[comment(' note'), 'a']`. */
export const comment = (text: string): Comment => new Comment(text);

/**
 * A scalar written into the YAML file exactly as `plain` (any tag or
 * quoting included), which Go's yaml.v3 reads as `go`: a string for a
 * timestamp is its MarshalText, null for nil (left out of the MAC).
 */
export interface PlainLeaf {
  plain: string;
  go: Exclude<Leaf, null | PlainLeaf> | null;
}
/** A plain-spelled leaf: `plain('017', 15)`. */
export const plain = (text: string, go: PlainLeaf['go']): PlainLeaf => ({ plain: text, go });

export interface WriterOptions {
  key?: Uint8Array;
  /** Deterministic IVs: iv i is [i, i, …] (32 bytes) when set. */
  fixedIvs?: boolean;
  lastModified?: string;
  version?: string;
  age?: Array<{ recipient: string; enc: string }>;
  kms?: Array<Record<string, unknown>>;
  gcpKms?: Array<Record<string, unknown>>;
  unencryptedSuffix?: string;
  encryptedRegex?: string;
  /** Go's metadata rules; with one of these no unencrypted_suffix is written unless given. */
  encryptedCommentRegex?: string;
  unencryptedCommentRegex?: string;
  macOnlyEncrypted?: boolean;
  /** Flip the MAC (for mismatch tests). */
  badMac?: boolean;
}

const te = new TextEncoder();
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const isFloat = (v: unknown): v is { float: number } => typeof v === 'object' && v !== null && !Array.isArray(v) && 'float' in v && Object.keys(v).length === 1;
const isBytes = (v: unknown): v is { bytes: Uint8Array } => typeof v === 'object' && v !== null && !Array.isArray(v) && 'bytes' in v && Object.keys(v).length === 1;
const isPlain = (v: unknown): v is PlainLeaf => typeof v === 'object' && v !== null && !Array.isArray(v) && 'plain' in v && 'go' in v && Object.keys(v).length === 2;

function fmtFloat(n: number): string {
  // Go 'f', -1: no exponent, and the specials as strconv spells them. Good enough for the values tests use.
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  const s = String(n);
  if (!/e/.test(s)) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

export class SopsWriter {
  readonly key: Uint8Array;
  private ivCounter = 0;
  private mac: Uint8Array[] = [];
  /** Spellings of the clear PlainLeafs, put in place of their placeholders by yaml(). */
  private plains: string[] = [];
  /** Comment lines as written ("#" + text, or "#ENC[...]"), put in place of their placeholders by yaml(). */
  private comments: string[] = [];
  constructor(private readonly o: WriterOptions = {}) {
    this.key = o.key ?? crypto.getRandomValues(new Uint8Array(32));
  }

  private iv(): Uint8Array {
    this.ivCounter++;
    return this.o.fixedIvs ? new Uint8Array(32).fill(this.ivCounter) : crypto.getRandomValues(new Uint8Array(32));
  }

  enc(plain: string | Uint8Array, type: string, aad: string): string {
    if (plain.length === 0 && type === 'str') return '';
    const iv = this.iv();
    const out = gcm(this.key, iv, te.encode(aad)).encrypt(typeof plain === 'string' ? te.encode(plain) : plain);
    return `ENC[AES256_GCM,data:${b64(out.subarray(0, out.length - 16))},iv:${b64(iv)},tag:${b64(out.subarray(out.length - 16))},type:${type}]`;
  }

  /** The suffix rule in force: the one given, or SOPS's default when the file names no other rule. */
  private suffix(): string | undefined {
    if (this.o.unencryptedSuffix !== undefined) return this.o.unencryptedSuffix;
    return this.o.encryptedRegex || this.o.encryptedCommentRegex || this.o.unencryptedCommentRegex ? undefined : '_unencrypted';
  }

  /** sops.go shouldBeEncrypted(path, commentsStack, isComment), rule by rule. */
  private shouldEncrypt(path: string[], stack: string[][] = [[]], isComment = false): boolean {
    let encrypted = true;
    const suf = this.suffix();
    if (suf && path.some((k) => k.endsWith(suf))) encrypted = false;
    if (this.o.encryptedRegex) {
      const re = new RegExp(this.o.encryptedRegex);
      encrypted = path.some((k) => re.test(k));
    }
    if (this.o.unencryptedCommentRegex) {
      const re = new RegExp(this.o.unencryptedCommentRegex);
      if (stack.some((cs) => cs.some((c) => re.test(c)))) encrypted = false;
    }
    if (this.o.encryptedCommentRegex) {
      const re = new RegExp(this.o.encryptedCommentRegex);
      encrypted = false;
      const last = stack.length - 1;
      // The comment being decided is the last of the last run: it does not mark itself.
      encrypted = stack.some((cs, i) => cs.some((c, j) => !(isComment && i === last && j === cs.length - 1) && re.test(c)));
    }
    return encrypted;
  }

  private leaf(v: Exclude<Leaf, null>, path: string[], stack: string[][]): Tree {
    if (isPlain(v)) {
      // sops -e would read the spelling as v.go; written clear, it stays as spelled.
      if (this.shouldEncrypt(path, stack)) return v.go === null ? null : this.leaf(v.go, path, stack);
      if (v.go !== null && !this.o.macOnlyEncrypted) this.mac.push(this.macBytes(v.go));
      this.plains.push(v.plain);
      return `GITSEALPLAIN${this.plains.length - 1}X`;
    }
    const [plain, type, macStr]: [string | Uint8Array, string, string | Uint8Array] =
      typeof v === 'string' ? [v, 'str', v]
      : typeof v === 'boolean' ? [String(v), 'bool', v ? 'True' : 'False']
      : typeof v === 'bigint' ? [v.toString(), 'int', v.toString()]
      : typeof v === 'number' ? (Number.isInteger(v) ? [String(v), 'int', String(v)] : [fmtFloat(v), 'float', fmtFloat(v)])
      : isBytes(v) ? [v.bytes, 'str', v.bytes]
      : [fmtFloat(v.float), 'float', fmtFloat(v.float)];
    const encrypted = this.shouldEncrypt(path, stack);
    if (!this.o.macOnlyEncrypted || encrypted) this.mac.push(typeof macStr === 'string' ? te.encode(macStr) : macStr);
    if (!encrypted) return isFloat(v) ? v.float : isBytes(v) ? (v.bytes as unknown as Tree) : v;
    return this.enc(plain, type, `${path.join(':')}:`);
  }

  /** sops.ToBytes of a Go value. */
  private macBytes(v: Exclude<Leaf, null | PlainLeaf>): Uint8Array {
    if (isBytes(v)) return v.bytes;
    if (typeof v === 'string') return te.encode(v);
    if (typeof v === 'boolean') return te.encode(v ? 'True' : 'False');
    if (typeof v === 'bigint') return te.encode(v.toString());
    if (typeof v === 'number') return te.encode(Number.isInteger(v) ? String(v) : fmtFloat(v));
    return te.encode(fmtFloat(v.float));
  }

  /** A comment item of the collection at `path`: encrypted or not as Go decides, never in the MAC. Returns its placeholder. */
  private comment(c: Comment, path: string[], stack: string[][]): string {
    stack[stack.length - 1]!.push(c.text);
    const text = this.shouldEncrypt(path, stack, true) ? this.enc(c.text, 'comment', `${path.join(':')}:`) : c.text;
    this.comments.push(`#${text}`);
    return `GITSEALCOMMENT${this.comments.length - 1}X`;
  }

  /** walkBranch / walkSlice: each collection opens a run of comments that every non-comment item clears once walked. */
  private walk(t: Tree, path: string[], stack: string[][] = []): Tree {
    if (t === null) return null;
    if (t instanceof Comment) throw new Error('a comment stands in a mapping or a sequence');
    if (Array.isArray(t)) {
      const s = [...stack, []];
      return t.map((x) => {
        if (x instanceof Comment) return this.comment(x, path, s);
        const out = this.walk(x, path, s);
        s[s.length - 1] = [];
        return out;
      });
    }
    if (typeof t === 'object' && !isFloat(t) && !isBytes(t) && !isPlain(t)) {
      const s = [...stack, []];
      const out: Record<string, Tree> = {};
      for (const [k, v] of Object.entries(t)) {
        if (v instanceof Comment) {
          out[this.comment(v, path, s)] = null;
          continue;
        }
        out[k] = this.walk(v, [...path, k], s);
        s[s.length - 1] = [];
      }
      return out;
    }
    return this.leaf(t, path, stack);
  }

  /** Encrypts documents; returns them with the metadata block (the same for each). */
  encryptDocs(docs: Tree[]): { docs: Tree[]; meta: Record<string, unknown> } {
    // SOPS's MACOnlyEncryptedInitialization: 32 fixed bytes first when only encrypted values count.
    this.mac = this.o.macOnlyEncrypted ? [Uint8Array.from(Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex'))] : [];
    this.plains = [];
    this.comments = [];
    const out = docs.map((d) => this.walk(d, []));
    const all = new Uint8Array(this.mac.reduce((n, b) => n + b.length, 0));
    let off = 0;
    for (const b of this.mac) {
      all.set(b, off);
      off += b.length;
    }
    let hex = Buffer.from(sha512(all)).toString('hex').toUpperCase();
    if (this.o.badMac) hex = hex.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const lastModified = this.o.lastModified ?? '2024-05-06T07:08:09Z';
    const meta: Record<string, unknown> = {};
    if (this.o.kms) meta.kms = this.o.kms;
    if (this.o.gcpKms) meta.gcp_kms = this.o.gcpKms;
    if (this.o.age) meta.age = this.o.age;
    meta.lastmodified = lastModified;
    meta.mac = this.enc(hex, 'str', lastModified);
    const suf = this.suffix();
    if (suf !== undefined) meta.unencrypted_suffix = suf;
    if (this.o.encryptedRegex) meta.encrypted_regex = this.o.encryptedRegex;
    if (this.o.unencryptedCommentRegex) meta.unencrypted_comment_regex = this.o.unencryptedCommentRegex;
    if (this.o.encryptedCommentRegex) meta.encrypted_comment_regex = this.o.encryptedCommentRegex;
    if (this.o.macOnlyEncrypted) meta.mac_only_encrypted = true;
    meta.version = this.o.version ?? '3.9.4';
    return { docs: out, meta };
  }

  yaml(docs: Tree[]): string {
    const { docs: enc, meta } = this.encryptDocs(docs);
    const text = enc.map((d, i) => (i ? '---\n' : '') + stringify({ ...(d as object), sops: meta }, { lineWidth: 0 })).join('');
    return text
      .replace(/GITSEALPLAIN(\d+)X/g, (_, i: string) => this.plains[Number(i)]!)
      // A comment item is written as Go's YAML store writes it: its own line, at the indentation of the item after it.
      .replace(/^( *)(?:- )?GITSEALCOMMENT(\d+)X(?:: null)?$/gm, (_, ind: string, i: string) => `${ind}${this.comments[Number(i)]!}`);
  }

  /** The JSON, binary and dotenv stores read no YAML: a PlainLeaf has no meaning there. */
  private noPlains(comments = false): void {
    if (this.plains.length) throw new Error('a PlainLeaf is for YAML files only');
    if (this.comments.length && !comments) throw new Error('comments are written in YAML and dotenv files only');
  }

  json(doc: Tree): string {
    const { docs: enc, meta } = this.encryptDocs([doc]);
    this.noPlains();
    return JSON.stringify({ ...(enc[0] as object), sops: meta }, null, 4) + '\n';
  }

  /** `sops -e` on a file that is not YAML, JSON, dotenv or INI: the binary store, JSON with one "data" value. */
  binary(content: string): string {
    const { docs: enc, meta } = this.encryptDocs([{ data: content }]);
    this.noPlains();
    return JSON.stringify({ ...(enc[0] as object), sops: meta }, null, '\t') + '\n';
  }

  /** Go's dotenv store: one branch; a `comment(text)` entry is a `#text` line, an item of that branch like a YAML comment. */
  dotenv(entries: Record<string, string | Comment>): string {
    const { docs: enc, meta } = this.encryptDocs([entries]);
    this.noPlains(true);
    const lines = Object.entries(enc[0] as Record<string, string>).map(([k, v]) => {
      const c = /^GITSEALCOMMENT(\d+)X$/.exec(k);
      return c ? this.comments[Number(c[1])]! : `${k}=${v}`;
    });
    const flat = (prefix: string, v: unknown) => {
      if (Array.isArray(v)) v.forEach((x, i) => flat(`${prefix}__list_${i}`, x));
      else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) flat(`${prefix}__map_${k}`, x);
      else lines.push(`${prefix}=${String(v).replace(/\n/g, '\\n')}`);
    };
    for (const [k, v] of Object.entries(meta)) {
      if (Array.isArray(v)) v.forEach((x, i) => flat(`sops_${k}__list_${i}`, x));
      else lines.push(`sops_${k}=${String(v).replace(/\n/g, '\\n')}`);
    }
    return lines.join('\n') + '\n';
  }
}

/** A fresh age identity and the data key wrapped to it, as SOPS writes it. */
export async function ageKeyFor(dataKey: Uint8Array): Promise<{ identity: string; recipient: string; entry: { recipient: string; enc: string } }> {
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  const e = new Encrypter();
  e.addRecipient(recipient);
  return { identity, recipient, entry: { recipient, enc: armor.encode(await e.encrypt(dataKey)) } };
}
