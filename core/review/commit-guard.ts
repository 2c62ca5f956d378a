/**
 * What the pre-commit guard refuses, decided on a staged file's content:
 * private key material in any file, a plaintext Kubernetes Secret in a YAML
 * or JSON file, a file the creation rules say must be encrypted but is not,
 * and leftover merge-conflict markers in an encrypted file.
 */
import { parseAllDocuments } from 'yaml';
import { parseEncrypted } from '../format/encrypted-store.js';
import { hasConflictMarkers } from '../format/conflict-markers.js';
import { MAX_ALIAS_COUNT } from '../format/yaml-store.js';

export type FindingKind = 'private-key' | 'plaintext-secret' | 'not-encrypted' | 'conflict';

export interface Finding {
  readonly kind: FindingKind;
  /** Why, and what to do; names no value. */
  readonly why: string;
}

export interface StagedContent {
  readonly path: string;
  readonly text: string;
  /** A creation rule of `.gitseal.yaml` matches the path. */
  readonly mustBeEncrypted: boolean;
}

// The gitseal keystore's version key (core/crypto/keystore.ts, FORMAT §11), in YAML or JSON.
const KEYSTORE = /^\s*\{?\s*["']?gitseal-keystore["']?\s*:/m;
// RSA, EC, OPENSSH, ENCRYPTED, DSA… PRIVATE KEY and PGP PRIVATE KEY BLOCK.
const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/;
// age identities: Bech32 body after the HRP (plain and post-quantum).
const AGE = /AGE-SECRET-KEY-(?:PQ-)?1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{20,}/;
const YAML_OR_JSON = /\.(ya?ml|json)$/i;

export function privateKeyMaterial(text: string): string | null {
  if (KEYSTORE.test(text)) return 'a gitseal keystore (private org key)';
  const pem = PEM.exec(text);
  if (pem) return `a PEM ${pem[1] ?? ''}PRIVATE KEY${pem[2] ?? ''}`;
  if (AGE.test(text)) return 'an age secret key (AGE-SECRET-KEY-1…)';
  return null;
}

export function isEncryptedText(text: string): boolean {
  // Every encrypted document has an envelope; most files can be told apart without parsing them.
  if (!text.includes('envelope')) return false;
  try {
    parseEncrypted(text);
    return true;
  } catch {
    return false;
  }
}

const isSecretObject = (v: unknown): boolean => typeof v === 'object' && v !== null && (v as Record<string, unknown>).kind === 'Secret';

// A Go/Helm template action: such a file holds placeholders, not values, and is rendered elsewhere.
const TEMPLATE = /\{\{-?\s*[^}]*\}\}/;

/**
 * 1-based numbers of the documents that are plaintext `kind: Secret` (a
 * `kind: List` counts by its items); [0] when the YAML parser refuses the
 * text but it has a `kind: Secret` line. Templates (`{{ … }}`) are not
 * checked: their values are placeholders.
 */
export function plaintextSecrets(text: string): number[] {
  if (TEMPLATE.test(text)) return [];
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  const list = Array.isArray(docs) ? docs : [];
  if (list.some((d) => d.errors.length)) return /^\s*["']?kind["']?\s*:\s*["']?Secret["']?\s*,?\s*$/m.test(text) ? [0] : [];
  const hits: number[] = [];
  list.forEach((d, i) => {
    let v: unknown;
    try {
      v = d.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      return;
    }
    const items = typeof v === 'object' && v !== null && Array.isArray((v as Record<string, unknown>).items) ? ((v as Record<string, unknown>).items as unknown[]) : [];
    if (isSecretObject(v) || items.some(isSecretObject)) hits.push(i + 1);
  });
  return hits;
}

/** Everything wrong with one staged file; empty when it may be committed. */
export function inspectStaged(f: StagedContent): Finding[] {
  const findings: Finding[] = [];
  const key = privateKeyMaterial(f.text);
  if (key) findings.push({ kind: 'private-key', why: `it contains ${key}; keys never belong in the repository: "git rm --cached ${f.path}"` });
  // Markers around gitseal value lines: a merge left unresolved (other files' markers are not ours to judge).
  if (hasConflictMarkers(f.text) && /^\s*"?t\.[\w-]+"?\s*:\s*"?v1\./m.test(f.text)) {
    findings.push({ kind: 'conflict', why: 'it still has merge conflict markers: resolve them with "gitseal edit" first' });
    return findings;
  }
  const encrypted = isEncryptedText(f.text);
  if (!encrypted && YAML_OR_JSON.test(f.path)) {
    const docs = plaintextSecrets(f.text);
    if (docs.length) {
      const where = docs[0] === 0 ? '' : ` (document ${docs.join(', ')})`;
      findings.push({ kind: 'plaintext-secret', why: `it is a plaintext kind: Secret${where}: encrypt it with "gitseal encrypt -i ${f.path}"` });
    }
  }
  if (!encrypted && f.mustBeEncrypted && !findings.some((x) => x.kind === 'plaintext-secret'))
    findings.push({ kind: 'not-encrypted', why: `a creation rule in .gitseal.yaml says it must be encrypted, and it is not: "gitseal encrypt -i ${f.path}"` });
  return findings;
}
