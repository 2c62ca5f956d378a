/**
 * The checks behind `gitseal verify`, one encrypted file at a time: every
 * document's structure, its scope against its metadata, its recipients
 * against `.gitseal.yaml`, its writer against the user's trust, and the MAC
 * when a key is at hand. Reports hold codes, names, kids and counts, never a
 * value.
 */
import { dirname, resolve } from 'node:path';
import { bindingOf, type EncryptedDocument } from '../core/format/encrypted-document.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';
import { GitsealError, isGitsealError } from '../core/errors.js';
import { isRecipientAlg, parseRecipient } from '../core/crypto/recipients/index.js';
import type { Identity } from '../core/crypto/recipients/types.js';
import { openDocument, unwrapDek } from '../core/format/seal.js';
import { writerOf } from '../core/review/diff.js';
import type { FilePolicy } from './config.js';
import { readInput } from './files.js';
import { policyOf } from './open-file.js';
import type { ConfigBaseline } from './verify-config.js';
import { signatureReport, writerTrust, type WriterTrust } from './writer.js';

export interface Problem {
  readonly code: string;
  readonly message: string;
}

/** Who signed a document (schemas/FORMAT.md §13). */
interface WriterReport {
  readonly status: 'unsigned' | 'trusted' | 'untrusted' | 'invalid';
  readonly kid?: string;
  /** The subject the signature names (the signer's own claim unless the writer is trusted). */
  readonly subject?: string;
  /** A trusted writer's name in the user's trust. */
  readonly name?: string;
  /** The name `.gitseal.yaml` gives the key: shown, not trusted. */
  readonly declared?: string;
  /** The same for people, e.g. `signed by alice (w-…)`, `unsigned`. */
  readonly text: string;
}

export interface DocumentReport {
  readonly index: number;
  readonly mode: string;
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
  readonly scope: string;
  readonly kids: string[];
  readonly values: number;
  readonly mac: 'ok' | 'unchecked' | 'failed';
  /** null when the document is too damaged to tell (its problems say why). */
  readonly writer: WriterReport | null;
  readonly problems: Problem[];
}

export interface FileReport {
  readonly file: string;
  readonly ok: boolean;
  readonly documents: DocumentReport[];
  readonly problems: Problem[];
}

export const problemOf = (e: unknown): Problem => (e instanceof GitsealError ? { code: e.code, message: e.message } : { code: 'E_INTERNAL', message: 'internal error' });

/**
 * The kids `.gitseal.yaml` requires for a file, or the problems its
 * recipient strings have. An empty policy (no config) requires nothing.
 */
function requiredKids(policy: FilePolicy): { kids: string[]; problems: Problem[] } {
  const kids: string[] = [];
  const problems: Problem[] = [];
  for (const s of policy.recipients) {
    try {
      kids.push(parseRecipient(s).kid);
    } catch (e) {
      problems.push(problemOf(e));
    }
  }
  return { kids, problems };
}

function checkRecipients(kids: readonly string[], policy: FilePolicy): Problem[] {
  const required = requiredKids(policy);
  const problems = [...required.problems];
  for (const kid of required.kids)
    if (!kids.includes(kid)) problems.push({ code: 'E_RECIPIENT', message: `recipient ${kid} required by .gitseal.yaml is missing: run "gitseal updatekeys"` });
  // A recipient nobody configured can decrypt the file: in review this is the change that matters most.
  if (policy.recipients.length > 0 && required.problems.length === 0)
    for (const kid of kids)
      if (!required.kids.includes(kid)) problems.push({ code: 'E_RECIPIENT', message: `recipient ${kid} is not in .gitseal.yaml: run "gitseal updatekeys" to remove it, or add it to .gitseal.yaml` });
  return problems;
}

/**
 * The writer of a document and, as problems, a signature that does not verify (always: under a
 * trusted key, or under the key `.gitseal.yaml` declares for its kid, since a kid names one key),
 * and an unsigned or untrusted document when signatures are required.
 */
function checkWriter(doc: EncryptedDocument, index: number, trust: WriterTrust): { writer: WriterReport | null; problems: Problem[] } {
  let report;
  let check;
  try {
    report = signatureReport(doc, index, trust);
    check = report.check.status === 'untrusted' ? writerOf(doc, { declared: trust.declared }) : report.check;
  } catch (e) {
    return { writer: null, problems: [problemOf(e)] };
  }
  const declared = check.status === 'unsigned' ? undefined : trust.declared.find((w) => w.key.kid === check.kid)?.name;
  const writer: WriterReport = {
    status: check.status,
    ...(check.status === 'unsigned' ? {} : { kid: check.kid, subject: check.subject }),
    ...(check.status === 'trusted' ? { name: check.writer } : {}),
    ...(declared !== undefined ? { declared } : {}),
    text: check.status === 'invalid' && report.check.status !== 'invalid' ? `signature by ${check.kid} does not verify under the key .gitseal.yaml declares for it` : report.text,
  };
  const required = 'signatures are required here (requireSignatures)';
  switch (check.status) {
    case 'invalid':
      return { writer, problems: [{ code: 'E_TAMPERED', message: `the signature by ${check.kid} does not verify: the document or its signature was changed after it was signed` }] };
    case 'unsigned':
      return { writer, problems: trust.required ? [{ code: 'E_UNSIGNED', message: `not signed, and ${required}: anyone with the public recipient can write an unsigned document` }] : [] };
    case 'untrusted':
      return { writer, problems: trust.required ? [{ code: 'E_UNTRUSTED_WRITER', message: `${check.kid} (${JSON.stringify(check.subject)}) is not a writer you trust, and ${required}` }] : [] };
    case 'trusted':
      return { writer, problems: [] };
  }
}

function checkDocument(doc: EncryptedDocument, index: number, policy: FilePolicy, trust: WriterTrust, identities: readonly Identity[] | null): DocumentReport {
  const problems: Problem[] = [];
  const kids = doc.envelope.recipients.map((r) => r.kid);
  let bound = true;
  try {
    bindingOf(doc); // E_SCOPE when the metadata lacks what the scope binds (e.g. a strict Secret without a namespace)
  } catch (e) {
    problems.push(problemOf(e));
    bound = false;
  }
  for (const r of doc.envelope.recipients)
    if (!isRecipientAlg(r.alg)) problems.push({ code: 'E_FORMAT', message: `recipient ${r.kid} uses unknown algorithm ${r.alg}` });
  problems.push(...checkRecipients(kids, policy));
  // A signature covers the scope binding: it cannot be checked when there is none.
  const { writer, problems: writerProblems } = bound ? checkWriter(doc, index, trust) : { writer: null, problems: [] };
  problems.push(...writerProblems);
  let mac: DocumentReport['mac'] = 'unchecked';
  if (identities && problems.length === 0) {
    try {
      openDocument(doc, unwrapDek(doc, identities));
      mac = 'ok';
    } catch (e) {
      if (!isGitsealError(e, 'E_NO_KEY')) {
        mac = 'failed';
        problems.push(problemOf(e));
      }
    }
  }
  return { index, mode: doc.mode, name: doc.identity.name, namespace: doc.identity.namespace, scope: doc.scope, kids, values: doc.entries.length, mac, writer, problems };
}

/**
 * The user's trust for a file, tightened by the base revision when verify compares with one:
 * signatures stay required where the base required them, and the base's names for writer keys
 * come first (the work tree's `.gitseal.yaml` may be the change under review).
 */
function trustFor(file: string, policy: FilePolicy, baseline: ConfigBaseline | null): WriterTrust {
  const trust = writerTrust(policy);
  const base = baseline?.baseAt(file === '-' ? process.cwd() : dirname(resolve(file)));
  if (!base) return trust;
  return { ...trust, required: trust.required || base.requireSignatures, declared: [...base.writers, ...trust.declared] };
}

/**
 * Verifies an encrypted file's text; `file` names it in the report and finds its `.gitseal.yaml`.
 * `baseline`, when verify compares with a base revision, tightens the writer checks. Never throws.
 */
export function verifyText(file: string, text: string, identities: readonly Identity[] | null, baseline: ConfigBaseline | null = null): FileReport {
  try {
    const { docs } = parseEncrypted(text);
    const policy = policyOf(file);
    const trust = trustFor(file, policy, baseline);
    const documents = docs.map((d, i) => checkDocument(d, i, policy, trust, identities));
    return { file, ok: documents.every((d) => d.problems.length === 0), documents, problems: [] };
  } catch (e) {
    return { file, ok: false, documents: [], problems: [problemOf(e)] };
  }
}

/** Reads and verifies one file. Never throws: an unreadable file is a report with an E_IO problem. */
export function verifyFile(file: string, identities: readonly Identity[] | null, baseline: ConfigBaseline | null = null): FileReport {
  try {
    return verifyText(file, readInput(file), identities, baseline);
  } catch (e) {
    return { file, ok: false, documents: [], problems: [problemOf(e)] };
  }
}
