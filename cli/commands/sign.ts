/**
 * `gitseal sign FILE…`: signs documents already in Git, e.g. files written
 * before writer keys existed. Each document is opened first, so its MAC is
 * checked: the writer vouches only for what opens under its DEK. A document
 * whose signature does not verify is refused (E_TAMPERED); one signed by
 * someone else is signed again, and the command says whose signature it replaces.
 */
import { fail } from '../../core/errors.js';
import { emitEncrypted, parseEncrypted } from '../../core/format/encrypted-store.js';
import { signDocument } from '../../core/format/signature.js';
import { openAll } from '../../core/format/stream.js';
import { readInput, writeAtomic } from '../files.js';
import { identitiesFor } from '../keys.js';
import { policyOf } from '../open-file.js';
import { progress } from '../progress.js';
import { signatureReport, writerSigner, writerTrust } from '../writer.js';
import type { SignOptions } from './sign.command.js';

export async function run(opts: SignOptions): Promise<void> {
  if (opts.files.includes('-')) fail('E_USAGE', 'sign changes files in place: name the files');
  const tick = progress('signing');
  for (const [n, file] of opts.files.entries()) {
    const text = readInput(file);
    const policy = policyOf(file);
    const signer = writerSigner(policy) ?? fail('E_WRITER_KEY', 'you have no writer key: make one with "gitseal keygen --writer --name YOU"');
    const { docs, format } = parseEncrypted(text);
    const trust = writerTrust(policy);
    const reports = docs.map((d, i) => signatureReport(d, i, trust));
    const broken = reports.find((r) => r.check.status === 'invalid');
    if (broken) fail('E_TAMPERED', `${file}: document ${broken.index + 1}'s signature by ${broken.check.status === 'invalid' ? broken.check.kid : ''} does not verify: the document or its signature was changed; nothing was signed`);
    openAll(docs, await identitiesFor([text], opts.key)); // the MAC of every document, before vouching for it
    const mine = (i: number) => docs[i]!.envelope.signature?.kid === signer.kid && docs[i]!.envelope.signature?.subject === signer.subject;
    const signed = docs.map((d, i) => (mine(i) ? d : signDocument(d, signer)));
    const out = emitEncrypted(signed, format);
    if (out !== text) writeAtomic(file, out);
    for (const r of reports)
      if (!mine(r.index)) process.stderr.write(`gitseal: ${file}#${r.index + 1}: signed by ${signer.subject} (${signer.kid}); was ${r.text}\n`);
    const kept = docs.filter((_, i) => mine(i)).length;
    if (kept) process.stderr.write(`gitseal: ${file}: ${kept} document(s) already signed by you\n`);
    tick(n + 1, opts.files.length);
  }
}
