/**
 * `gitseal import sealed-secrets FILE... --key PRIVATE.pem`: Bitnami
 * SealedSecrets to EncryptedSecrets with the same scope (strict → strict,
 * namespace-wide → namespace, cluster-wide → cluster), encrypted to the
 * recipients of the nearest .gitseal.yaml (or -r). Every file is converted
 * in memory before anything is written, so a bad input leaves all files as
 * they were; the plaintext never touches the disk.
 */
import type { KeyObject } from 'node:crypto';
import { fail, GitsealError, isGitsealError } from '../../core/errors.js';
import { parseSealingKeys } from '../../migrate/sealed-secrets/keys.js';
import { unsealStream } from '../../migrate/sealed-secrets/convert.js';
import { encryptStream } from '../../core/format/stream.js';
import { emitOutput, readInput } from '../files.js';
import { policyOf, recipientsOf } from '../open-file.js';
import { finishSigning, writerSigner } from '../writer.js';
import type { ImportSealedSecretsOptions } from './import-sealed-secrets.command.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

export async function run(opts: ImportSealedSecretsOptions): Promise<void> {
  const files = list(opts.files);
  const keyFiles = list(opts.key);
  const { output, inPlace } = opts;
  if (files.length === 0) fail('E_USAGE', 'name at least one SealedSecret file');
  if (keyFiles.length === 0) fail('E_USAGE', '--key PRIVATE.pem is required: the sealed-secrets controller key (repeat --key for rotated keys)');
  if (output && files.length > 1) fail('E_USAGE', '-o takes one input file; use -i to convert several files in place');
  if (files.filter((f) => f === '-').length > 1) fail('E_USAGE', 'standard input can be read once');

  const keys: KeyObject[] = keyFiles.flatMap((k) => parseSealingKeys(readInput(k), k === '-' ? 'standard input' : k));

  const results = files.map((file) => {
    const text = readInput(file);
    let imported;
    try {
      imported = unsealStream(text, keys);
    } catch (e) {
      if (isGitsealError(e) && e.code !== 'E_IO') throw new GitsealError(e.code, `${file === '-' ? 'standard input' : file}: ${e.message}`);
      throw e;
    }
    const policy = policyOf(output ?? file);
    const recipients = recipientsOf(opts.recipient, policy);
    // One file, so its documents are bound to it; each SealedSecret keeps its own scope.
    const plaintext = imported.map((s) => s.manifest).join('---\n');
    return { file, policy, text: encryptStream(plaintext, { recipients, scope: (i) => imported[i]!.scope, signer: writerSigner(policy) }) };
  });
  for (const r of results) emitOutput(await finishSigning(r.text, r.policy), { file: r.file, inPlace, output });
}
