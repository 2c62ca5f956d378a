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
  readonly macOnlyEncrypted: boolean;
}

/** SOPS file versions this importer knows: 2.x and 3.x (the MAC and value format have not changed since 2.0). */
export const SUPPORTED_MAJOR = [2, 3];
/** The version `gitseal export sops` writes. */
export const EXPORT_VERSION = '3.9.4';

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
    unencryptedSuffix: opt('unencrypted_suffix'),
    unencryptedRegex: opt('unencrypted_regex'),
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

export type EncryptRule = (path: readonly string[]) => boolean;

/** SOPS's shouldBeEncrypted: the rules look at every key on the path. */
export function encryptRule(meta: Pick<SopsMetadata, 'encryptedRegex' | 'encryptedSuffix' | 'unencryptedRegex' | 'unencryptedSuffix'>): EncryptRule {
  const enc = meta.encryptedRegex === undefined ? undefined : goRegex(meta.encryptedRegex);
  const unenc = meta.unencryptedRegex === undefined ? undefined : goRegex(meta.unencryptedRegex);
  return (path) => {
    if (meta.unencryptedSuffix && path.some((k) => k.endsWith(meta.unencryptedSuffix!))) return false;
    if (meta.encryptedSuffix) return path.some((k) => k.endsWith(meta.encryptedSuffix!));
    if (unenc && path.some((k) => unenc.test(k))) return false;
    if (enc) return path.some((k) => enc.test(k));
    return true;
  };
}

/** The MAC's additional data: lastmodified as Go's time.RFC3339 formats it (no fractional seconds). */
export function macAad(lastModified: string): string {
  return lastModified.replace(/\.\d+(?=(Z|[+-]\d\d:\d\d)$)/, '');
}
