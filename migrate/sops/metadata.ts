/** The `sops:` metadata block: key groups, encryption rules, MAC, version. Pure. */
import { fail } from '../../core/errors.js';
import { isRecord } from '../../core/is-record.js';

export interface SopsAgeKey {
  readonly recipient: string;
  readonly enc: string;
}
export interface SopsKmsKey {
  readonly arn: string;
  readonly enc: string;
  readonly context: Readonly<Record<string, string>>;
  readonly awsProfile?: string | undefined;
  readonly role?: string | undefined;
}
export interface SopsGcpKey {
  readonly resourceId: string;
  readonly enc: string;
}

export interface SopsMetadata {
  readonly version: string;
  readonly lastModified: string;
  readonly mac?: string | undefined;
  readonly age: readonly SopsAgeKey[];
  readonly kms: readonly SopsKmsKey[];
  readonly gcpKms: readonly SopsGcpKey[];
  /** Key types present in the file that gitseal cannot open (pgp, azure_kv, hc_vault, …). */
  readonly otherKeyTypes: readonly string[];
  readonly encryptedRegex?: string | undefined;
  readonly encryptedSuffix?: string | undefined;
  readonly unencryptedSuffix?: string | undefined;
  readonly unencryptedRegex?: string | undefined;
  /** A value is left clear when a comment in force for it (see EncryptRule) matches. */
  readonly unencryptedCommentRegex?: string | undefined;
  /** Only a value with a comment in force for it that matches is encrypted. */
  readonly encryptedCommentRegex?: string | undefined;
  readonly macOnlyEncrypted: boolean;
}

/** SOPS file versions this importer knows: 2.x and 3.x (the MAC and value format have not changed since 2.0). */
export const SUPPORTED_MAJOR = [2, 3];
/** The version `gitseal export sops` writes. */
export const EXPORT_VERSION = '3.9.4';

/** The metadata fields that choose which values are encrypted; Go allows one at most. */
const RULE_FIELDS = ['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex', 'unencrypted_comment_regex', 'encrypted_comment_regex'] as const;
/** sops.DefaultUnencryptedSuffix, which Go applies to a file that names no rule. */
export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

export function parseMetadata(raw: unknown): SopsMetadata {
  if (!isRecord(raw)) fail('E_SOPS', 'the file has no "sops" metadata: it is not a SOPS-encrypted file');
  const version = str(raw.version);
  if (!version) fail('E_SOPS', 'the SOPS metadata has no version');
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!m || !SUPPORTED_MAJOR.includes(Number(m[1]))) fail('E_SOPS', `SOPS file version "${version.slice(0, 20)}" is unknown or too new: gitseal imports SOPS 2.x and 3.x files`);
  const lastModified = str(raw.lastmodified);
  if (!lastModified) fail('E_SOPS', 'the SOPS metadata has no lastmodified');
  if (Array.isArray(raw.key_groups) && raw.key_groups.length) fail('E_SOPS', 'the SOPS file uses key_groups (Shamir secret sharing), which gitseal cannot import');
  const age = list(raw.age).map((k) => ({ recipient: str(k.recipient) ?? '', enc: str(k.enc) ?? '' }));
  const kms = list(raw.kms).map((k) => ({
    arn: str(k.arn) ?? '',
    enc: str(k.enc) ?? '',
    context: isRecord(k.context) ? Object.fromEntries(Object.entries(k.context).map(([a, b]) => [a, str(b) ?? ''])) : {},
    awsProfile: str(k.aws_profile) || undefined,
    role: str(k.role) || undefined,
  }));
  const gcpKms = list(raw.gcp_kms).map((k) => ({ resourceId: str(k.resource_id) ?? '', enc: str(k.enc) ?? '' }));
  const otherKeyTypes = ['pgp', 'azure_kv', 'hc_vault'].filter((t) => list(raw[t]).length > 0);
  const opt = (k: string) => str(raw[k]) || undefined;
  // Go's metadata.ToInternal: at most one rule, and with none the default unencrypted_suffix.
  const rules = RULE_FIELDS.filter((k) => opt(k) !== undefined);
  if (rules.length > 1) fail('E_SOPS', `the SOPS metadata sets more than one of ${RULE_FIELDS.join(', ')} (${rules.join(', ')}), which SOPS refuses`);
  return {
    version,
    lastModified,
    mac: opt('mac'),
    age,
    kms,
    gcpKms,
    otherKeyTypes,
    encryptedRegex: opt('encrypted_regex'),
    encryptedSuffix: opt('encrypted_suffix'),
    unencryptedSuffix: rules.length === 0 ? DEFAULT_UNENCRYPTED_SUFFIX : opt('unencrypted_suffix'),
    unencryptedRegex: opt('unencrypted_regex'),
    unencryptedCommentRegex: opt('unencrypted_comment_regex'),
    encryptedCommentRegex: opt('encrypted_comment_regex'),
    macOnlyEncrypted: raw.mac_only_encrypted === true,
  };
}

/** Go RE2 patterns as JS: a leading (?i) becomes the i flag. */
function goRegex(src: string): RegExp {
  let flags = '';
  let body = src;
  const m = /^\(\?([ims]+)\)/.exec(body);
  if (m) {
    flags = [...new Set(m[1]!.replace('m', 'm'))].join('');
    body = body.slice(m[0].length);
  }
  try {
    return new RegExp(body, flags);
  } catch {
    return fail('E_SOPS', 'the SOPS metadata holds a regular expression gitseal cannot read');
  }
}

/**
 * The comments in force for a value, as Go sops's walkBranch/walkSlice keep
 * them (its commentsStack): one run per enclosing mapping or sequence, from
 * the document down to the value's own. A run holds the comment lines that
 * come after the previous item of that collection and before the current
 * one (the item on the path), as the file spells them after the "#" (an
 * encrypted comment as its ENC[...] text); every non-comment item ends the
 * run of its collection. So a comment counts for the key it directly
 * precedes (with any comments between them), for all of that key's subtree,
 * and never for the keys after it.
 */
export type CommentRuns = readonly (readonly string[])[];

export type EncryptRule = (path: readonly string[], comments?: CommentRuns) => boolean;

/**
 * SOPS's shouldBeEncrypted for a value: the key rules look at every key on
 * the path, the comment rules at every comment in force (CommentRuns).
 * parseMetadata leaves at most one rule set; each is applied in Go's order.
 */
export function encryptRule(meta: Pick<SopsMetadata, 'encryptedRegex' | 'encryptedSuffix' | 'unencryptedRegex' | 'unencryptedSuffix' | 'unencryptedCommentRegex' | 'encryptedCommentRegex'>): EncryptRule {
  const enc = meta.encryptedRegex === undefined ? undefined : goRegex(meta.encryptedRegex);
  const unenc = meta.unencryptedRegex === undefined ? undefined : goRegex(meta.unencryptedRegex);
  const encComment = meta.encryptedCommentRegex === undefined ? undefined : goRegex(meta.encryptedCommentRegex);
  const unencComment = meta.unencryptedCommentRegex === undefined ? undefined : goRegex(meta.unencryptedCommentRegex);
  return (path, comments = []) => {
    let encrypted = true;
    if (meta.unencryptedSuffix && path.some((k) => k.endsWith(meta.unencryptedSuffix!))) encrypted = false;
    if (meta.encryptedSuffix) encrypted = path.some((k) => k.endsWith(meta.encryptedSuffix!));
    if (unenc && path.some((k) => unenc.test(k))) encrypted = false;
    if (enc) encrypted = path.some((k) => enc.test(k));
    if (unencComment && comments.some((run) => run.some((c) => unencComment.test(c)))) encrypted = false;
    if (encComment) encrypted = comments.some((run) => run.some((c) => encComment.test(c)));
    return encrypted;
  };
}

/** The MAC's additional data: lastmodified as Go's time.RFC3339 formats it (no fractional seconds). */
export function macAad(lastModified: string): string {
  return lastModified.replace(/\.\d+(?=(Z|[+-]\d\d:\d\d)$)/, '');
}
