/**
 * `gitseal git textconv FILE`, the diff driver's text conversion: what
 * `git diff` and `git log -p` show for an encrypted file. For a key holder,
 * the decrypted document with each value replaced by a keyed fingerprint
 * (`<fp:16 hex>`, core/review/fingerprint.ts): key names, comments and which value
 * changed, never a value, and above each document a `# gitseal writer:`
 * line naming who signed it (the same for a document that did not change,
 * so it is no noise). Without a key, or for a file gitseal did not
 * encrypt, the file as it is. Never fails: on any error it prints the file
 * as it is and one line on stderr, so `git diff` always works.
 */
import { isGitsealError } from '../../core/errors.js';
import { parseEncrypted } from '../../core/format/encrypted-store.js';
import { writerOf } from '../../core/review/diff.js';
import { fingerprintedView } from '../../core/review/fingerprint.js';
import { openDocument, unwrapDek } from '../../core/format/seal.js';
import { findConfig, policyFor } from '../config.js';
import { writerLabel } from '../diff-render.js';
import { writerTrust } from '../writer.js';
import { driverIdentities } from '../driver-keys.js';
import { readInput } from '../files.js';
import type { GitTextconvOptions } from './git-textconv.command.js';

export async function run(opts: GitTextconvOptions): Promise<number> {
  const file = opts.file;
  let text: string;
  try {
    text = readInput(file);
  } catch (e) {
    process.stderr.write(`gitseal textconv: ${isGitsealError(e) ? e.message : 'cannot read the file'}\n`);
    return 0;
  }
  process.stdout.write(await view(text, opts.key));
  return 0;
}

async function view(text: string, keyFile: string | undefined): Promise<string> {
  let docs;
  try {
    docs = parseEncrypted(text).docs;
  } catch {
    return text; // not a gitseal file (or not one this version reads): shown as it is
  }
  try {
    const identities = await driverIdentities(keyFile);
    if (!identities) return text;
    const opened = docs.map((d) => openDocument(d, unwrapDek(d, identities)));
    // git runs the driver at the top of the work tree, on a temporary copy for an old version: the top's `.gitseal.yaml` names writers.
    const trust = writerTrust(policyFor(findConfig(process.cwd()), process.cwd()));
    return fingerprintedView(opened, docs.map((d) => `# gitseal writer: ${writerLabel(writerOf(d, { trusted: trust.writers, declared: trust.declared }))}`));
  } catch (e) {
    if (isGitsealError(e, 'E_NO_KEY')) return text;
    const why = isGitsealError(e) ? `${e.message} [${e.code}]` : `internal error (${e instanceof Error ? e.name : typeof e})`;
    process.stderr.write(`gitseal textconv: showing the encrypted text: ${why}\n`);
    return text;
  }
}
