/**
 * The checks behind `gitseal verify`, one encrypted file at a time: every
 * document's structure, its scope against its metadata, its recipients
 * against `.gitseal.yaml`, and the MAC when a key is at hand. Reports hold
 * codes, names, kids and counts, never a value.
 */
import { bindingOf, type EncryptedDocument } from '../core/format/encrypted-document.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';
import { GitsealError, isGitsealError } from '../core/errors.js';
import { isRecipientAlg, parseRecipient } from '../core/crypto/recipients/index.js';
import type { Identity } from '../core/crypto/recipients/types.js';
import { openDocument, unwrapDek } from '../core/format/seal.js';
import type { FilePolicy } from './config.js';
import { readInput } from './files.js';
import { policyOf } from './open-file.js';

export interface Problem {
  readonly code: string;
  readonly message: string;
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

function checkDocument(doc: EncryptedDocument, index: number, policy: FilePolicy, identities: readonly Identity[] | null): DocumentReport {
  const problems: Problem[] = [];
  const kids = doc.envelope.recipients.map((r) => r.kid);
  try {
    bindingOf(doc); // E_SCOPE when the metadata lacks what the scope binds (e.g. a strict Secret without a namespace)
  } catch (e) {
    problems.push(problemOf(e));
  }
  for (const r of doc.envelope.recipients)
    if (!isRecipientAlg(r.alg)) problems.push({ code: 'E_FORMAT', message: `recipient ${r.kid} uses unknown algorithm ${r.alg}` });
  problems.push(...checkRecipients(kids, policy));
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
  return { index, mode: doc.mode, name: doc.identity.name, namespace: doc.identity.namespace, scope: doc.scope, kids, values: doc.entries.length, mac, problems };
}

/** Verifies an encrypted file's text; `file` names it in the report and finds its `.gitseal.yaml`. Never throws. */
export function verifyText(file: string, text: string, identities: readonly Identity[] | null): FileReport {
  try {
    const { docs } = parseEncrypted(text);
    const policy = policyOf(file);
    const documents = docs.map((d, i) => checkDocument(d, i, policy, identities));
    return { file, ok: documents.every((d) => d.problems.length === 0), documents, problems: [] };
  } catch (e) {
    return { file, ok: false, documents: [], problems: [problemOf(e)] };
  }
}

/** Reads and verifies one file. Never throws: an unreadable file is a report with an E_IO problem. */
export function verifyFile(file: string, identities: readonly Identity[] | null): FileReport {
  try {
    return verifyText(file, readInput(file), identities);
  } catch (e) {
    return { file, ok: false, documents: [], problems: [problemOf(e)] };
  }
}
