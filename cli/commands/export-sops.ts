/**
 * `gitseal export sops FILE --age RECIPIENT...`: decrypts a gitseal file
 * and writes it as a SOPS file (age recipients, MAC, lastmodified), which
 * `sops -d` and `gitseal import sops` read back. The output holds no
 * plaintext value; comments are left out (SOPS would encrypt them). Values
 * are written as SOPS itself writes them: integers exact (refused past 64
 * bits), floats as Go formats them (+Inf, -Inf, NaN too), !!binary as the
 * string of its bytes.
 */
import { randomBytes } from 'node:crypto';
import { fail } from '../../core/errors.js';
import { EXPORT_VERSION, sealSopsTree } from '../../migrate/sops/index.js';
import { decryptStream } from '../../core/format/stream.js';
import { wrapForAge } from '../../migrate/sops/keys.js';
import { emitOutput, readInput } from '../files.js';
import { identitiesFor } from '../keys.js';
import type { ExportSopsOptions } from './export-sops.command.js';

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export async function run(opts: ExportSopsOptions): Promise<void> {
  const file = opts.file;
  const recipients = [...asList(opts.age), ...(opts.age === undefined && process.env.SOPS_AGE_RECIPIENTS ? process.env.SOPS_AGE_RECIPIENTS.split(/[\s,]+/).filter(Boolean) : [])];
  if (!recipients.length) fail('E_NO_RECIPIENTS', 'export sops needs at least one --age RECIPIENT (or SOPS_AGE_RECIPIENTS)');
  const text = readInput(file);
  const plain = decryptStream(text, await identitiesFor([text], opts.key));
  const dataKey = randomBytes(32);
  try {
    const ageKeys = await wrapForAge(dataKey, recipients);
    const sealed = sealSopsTree(plain, dataKey, {
      ageKeys,
      lastModified: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      version: EXPORT_VERSION,
    });
    if (sealed.droppedComments) process.stderr.write(`gitseal: note: ${sealed.droppedComments} comment line(s) left out of the SOPS file\n`);
    if (sealed.binaryValues)
      process.stderr.write(`gitseal: note: ${sealed.binaryValues} !!binary value(s) written as the string of their bytes, as SOPS writes them (SOPS has no binary type)\n`);
    emitOutput(sealed.text, { file, output: opts.output });
  } finally {
    dataKey.fill(0);
  }
}
