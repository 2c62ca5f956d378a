import { isGitsealError, GitsealError } from '../../core/errors.js';
import { bindingOf, type EncryptedDocument } from '../../core/encrypted-document.js';
import { parseEncrypted } from '../../core/encrypted-store.js';
import { isRecipientAlg, parseRecipient } from '../../core/recipients/index.js';
import type { Identity } from '../../core/recipients/types.js';
import { openDocument, unwrapDek } from '../../core/seal.js';
import { EXIT_CHECK_FAILED } from '../exit-codes.js';
import { readInput } from '../files.js';
import { loadIdentities } from '../keys.js';
import { policyOf } from '../open-file.js';
import type { FilePolicy } from '../config.js';

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

const problemOf = (e: unknown): Problem => (e instanceof GitsealError ? { code: e.code, message: e.message } : { code: 'E_INTERNAL', message: 'internal error' });

function checkDocument(doc: EncryptedDocument, index: number, policy: FilePolicy, identities: readonly Identity[] | null): DocumentReport {
  const problems: Problem[] = [];
  const kids = doc.envelope.recipients.map((r) => r.kid);
  try {
    bindingOf(doc);
  } catch (e) {
    problems.push(problemOf(e));
  }
  for (const r of doc.envelope.recipients)
    if (!isRecipientAlg(r.alg)) problems.push({ code: 'E_FORMAT', message: `recipient ${r.kid} uses unknown algorithm ${r.alg}` });
  for (const s of policy.recipients) {
    try {
      const kid = parseRecipient(s).kid;
      if (!kids.includes(kid)) problems.push({ code: 'E_RECIPIENT', message: `recipient ${kid} required by .gitseal.yaml is missing: run "gitseal updatekeys"` });
    } catch (e) {
      problems.push(problemOf(e));
    }
  }
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

export async function verifyFile(file: string, identities: readonly Identity[] | null): Promise<FileReport> {
  try {
    const { docs } = parseEncrypted(readInput(file));
    const policy = policyOf(file);
    const documents = docs.map((d, i) => checkDocument(d, i, policy, identities));
    return { file, ok: documents.every((d) => d.problems.length === 0), documents, problems: [] };
  } catch (e) {
    return { file, ok: false, documents: [], problems: [problemOf(e)] };
  }
}

async function identitiesAtHand(argv: Record<string, unknown>): Promise<Identity[] | null> {
  if (argv.withoutKey) return null;
  try {
    return await loadIdentities(argv.key as string | undefined);
  } catch (e) {
    if (isGitsealError(e, 'E_NO_KEY')) return null;
    throw e;
  }
}

function describe(r: FileReport): string {
  if (r.problems.length) return r.problems.map((p) => `${r.file}: FAIL ${p.message} [${p.code}]`).join('\n');
  return r.documents
    .map((d) => {
      const what = `${r.file}#${d.index + 1} ${d.mode === 'secret' ? `${d.namespace ?? '-'}/${d.name ?? '-'}` : 'generic'} (${d.values} values, scope ${d.scope}, MAC ${d.mac})`;
      return d.problems.length ? d.problems.map((p) => `${what}: FAIL ${p.message} [${p.code}]`).join('\n') : `${what}: ok`;
    })
    .join('\n');
}

export async function run(argv: Record<string, unknown>): Promise<number> {
  const identities = await identitiesAtHand(argv);
  const reports: FileReport[] = [];
  for (const file of argv.files as string[]) reports.push(await verifyFile(file, identities));
  if (argv.json) process.stdout.write(JSON.stringify({ ok: reports.every((r) => r.ok), files: reports }, null, 2) + '\n');
  else process.stdout.write(reports.map(describe).join('\n') + '\n');
  return reports.every((r) => r.ok) ? 0 : EXIT_CHECK_FAILED;
}
