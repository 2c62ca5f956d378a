/**
 * SOPS dotenv files: `KEY=ENC[...]` lines, `#` comments, and the metadata
 * flattened into `sops_*` lines (`sops_age__list_0__map_enc=…`, newlines
 * written as `\n`). Every value is a string; a value's additional data is
 * "KEY:". Opened, the file becomes a plain YAML mapping KEY: value. Pure.
 */
import { stringify } from 'yaml';
import { fail } from '../../core/errors.js';
import { encryptRule, parseMetadata, type SopsMetadata } from './metadata.js';
import { checkMac, newMac, type OpenedSops, type OpenOptions } from './tree.js';
import { aadOf, decryptValue, isEncValue, macText, type SopsValue } from './values.js';

type Entry = { readonly kind: 'comment'; readonly text: string } | { readonly kind: 'value'; readonly key: string; readonly value: string };

export interface SopsDotenvFile {
  readonly format: 'dotenv';
  readonly metadata: SopsMetadata;
  readonly entries: readonly Entry[];
}

/** A file is dotenv when its lines are KEY=VALUE and it carries sops_version. */
export const looksDotenv = (text: string): boolean => /^sops_version=/m.test(text) && !/^\s*[{[]/.test(text) && !/^sops:\s*$/m.test(text);

function unflatten(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    // "age__list_0__map_recipient" → ["age", 0, "recipient"]
    const bits = k.split(/__(list|map)_/);
    const parts: Array<string | number> = [bits[0]!];
    for (let i = 1; i + 1 < bits.length; i += 2) parts.push(bits[i] === 'list' ? Number(bits[i + 1]) : bits[i + 1]!);
    let cur: Record<string | number, unknown> = root;
    parts.forEach((p, i) => {
      if (i === parts.length - 1) cur[p] = v;
      else {
        const nextIsList = typeof parts[i + 1] === 'number';
        cur[p] ??= nextIsList ? [] : {};
        cur = cur[p] as Record<string | number, unknown>;
      }
    });
  }
  return root;
}

export function parseSopsDotenv(text: string): SopsDotenvFile {
  const entries: Entry[] = [];
  const meta: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      entries.push({ kind: 'comment', text: line.slice(1) });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) fail('E_SOPS', 'a line of the SOPS dotenv file is not KEY=VALUE');
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).replace(/\\n/g, '\n');
    if (key.startsWith('sops_')) meta[key.slice(5)] = value;
    else entries.push({ kind: 'value', key, value });
  }
  const raw = unflatten(meta);
  if (raw.mac_only_encrypted !== undefined) raw.mac_only_encrypted = raw.mac_only_encrypted === 'true';
  return { format: 'dotenv', metadata: parseMetadata(raw), entries };
}

/** The value as the YAML package writes it: a float as its number, bytes that are not text as !!binary. */
const yamlValue = (v: SopsValue) => (typeof v !== 'object' ? v : 'float' in v ? v.float : v.bytes);

export function openSopsDotenv(f: SopsDotenvFile, key: Uint8Array, opts: OpenOptions = {}): OpenedSops {
  const rule = encryptRule(f.metadata);
  const hash = newMac(f.metadata.macOnlyEncrypted);
  let undecryptedComments = 0;
  const out: string[] = [];
  // Go's dotenv store makes each comment line an item of the one branch: a run of them counts for the value after it (see CommentRuns).
  let run: string[] = [];
  for (const e of f.entries) {
    if (e.kind === 'comment') {
      run.push(e.text);
      const t = e.text.trim();
      let text = e.text;
      if (isEncValue(t)) {
        try {
          text = String(decryptValue(t, key, aadOf([])).value);
        } catch {
          undecryptedComments++; // kept as it is
        }
      }
      out.push(`#${text}`);
      continue;
    }
    const encrypted = rule([e.key], [run]);
    run = [];
    if (encrypted && e.value !== '' && !isEncValue(e.value)) fail('E_SOPS', `the value of ${e.key} is not encrypted, but the file's rules say SOPS encrypted it: SOPS cannot decrypt such a file (was the value, or a comment that marks it, edited?)`);
    const v = encrypted && e.value !== '' ? decryptValue(e.value, key, aadOf([e.key])).value : e.value;
    if (!f.metadata.macOnlyEncrypted || encrypted) hash.update(macText(v));
    out.push(stringify({ [e.key]: yamlValue(v) }, { lineWidth: 0, customTags: ['binary'] }).trimEnd());
  }
  const macOk = checkMac(f.metadata, key, hash.digest('hex').toUpperCase(), opts);
  return { plaintext: `${out.join('\n')}\n`, format: 'dotenv', macOk, undecryptedComments };
}
