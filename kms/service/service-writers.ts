/**
 * The writers the rewrap service knows (docs/ARCHITECTURE.md#writers): keys
 * registered in its configuration, each for one subject, and its own writer
 * key, which signs for the callers it authenticates (POST /v1/sign) and names
 * them in the signature. A document's writer, whom policy must grant `write`,
 * is a registered key's configured subject (never the name its signature
 * claims), or the subject a signature by the service's own key names.
 */
import { fail, isGitsealError } from '../../core/errors.js';
import { isRecord } from '../../core/is-record.js';
import { parseWriter, type WriterPublic } from '../../core/crypto/writer-key.js';
import { SUBJECT_PATTERN } from './policy.js';

/** A writer key registered in the service configuration (`writers:`). */
export interface RegisteredWriter {
  readonly subject: string;
  readonly key: WriterPublic;
}

/** A kid the service knows. `subject` null: the service's own key, which signs for the subject its signatures name. */
export interface KnownWriter {
  readonly key: WriterPublic;
  readonly subject: string | null;
}

export class ServiceWriters {
  readonly #byKid = new Map<string, KnownWriter>();

  /** Throws E_CONFIG when the service's own key is also registered for a subject. */
  constructor(
    registered: readonly RegisteredWriter[],
    readonly own: WriterPublic | null,
  ) {
    for (const w of registered) this.#byKid.set(w.key.kid, { key: w.key, subject: w.subject });
    if (own) {
      if (this.#byKid.has(own.kid)) fail('E_CONFIG', `the service's own writer key ${own.kid} is also listed under writers: it signs for others, remove it there`);
      this.#byKid.set(own.kid, { key: own, subject: null });
    }
  }

  find(kid: string): KnownWriter | undefined {
    return this.#byKid.get(kid);
  }

  /** Every public key, for the unwrap workers that verify signatures. */
  keys(): WriterPublic[] {
    return [...this.#byKid.values()].map((w) => w.key);
  }
}

/** The `writers:` list of the service configuration: `[{subject, key}]`; E_CONFIG when malformed or a kid repeats. */
export function parseServiceWriters(v: unknown, file: string): RegisteredWriter[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail('E_CONFIG', `${file}: writers must be a list of {subject, key}`);
  const seen = new Set<string>();
  return v.map((w: unknown, i: number): RegisteredWriter => {
    const where = `${file}: writers[${i}]`;
    if (!isRecord(w)) return fail('E_CONFIG', `${where} must be a mapping with subject and key`);
    for (const k of Object.keys(w)) if (k !== 'subject' && k !== 'key') fail('E_CONFIG', `${where}: unknown setting ${JSON.stringify(k.slice(0, 40))} (expected subject, key)`);
    const { subject, key } = w;
    if (typeof subject !== 'string' || !SUBJECT_PATTERN.test(subject)) fail('E_CONFIG', `${where}.subject must be a subject as policy names it (1-512 characters, no spaces or control characters)`);
    if (typeof key !== 'string') return fail('E_CONFIG', `${where}.key must be a writer key (gitseal-writer1:…)`);
    let parsed: WriterPublic;
    try {
      parsed = parseWriter(key);
    } catch (e) {
      return fail('E_CONFIG', `${where}.key: ${isGitsealError(e) ? e.message : 'not a writer key'}`);
    }
    if (seen.has(parsed.kid)) fail('E_CONFIG', `${where}: the key ${parsed.kid} is listed twice; one key writes for one subject`);
    seen.add(parsed.kid);
    return { subject: subject as string, key: parsed };
  });
}
