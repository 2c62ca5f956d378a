import { fail } from '../../core/errors.js';
import { parseEncrypted } from '../../core/format/encrypted-store.js';
import { openAll, renderOpened } from '../../core/format/stream.js';
import { extractValue, formatDecrypted } from '../decrypted-output.js';
import { rewriteAll } from '../file-batch.js';
import { filesOf } from '../shared-options.js';
import { emitOutput, readInput } from '../files.js';
import { identitiesFor } from '../keys.js';
import { policyOf } from '../open-file.js';
import { checkWriters } from '../writer.js';
import type { DecryptOptions } from './decrypt.command.js';

/** The decrypted text of `file`, checked against the writers `policyFile`'s configuration accepts. */
async function decryptedText(file: string, policyFile: string, keyFile: string | undefined): Promise<{ plain: string; json: boolean }> {
  const text = readInput(file);
  const { docs, format } = parseEncrypted(text);
  checkWriters(file === '-' ? 'standard input' : file, docs, policyOf(policyFile));
  return { plain: renderOpened(openAll(docs, await identitiesFor([text], keyFile))), json: format === 'json' };
}

export async function run(opts: DecryptOptions): Promise<void> {
  const files = filesOf(opts);
  const type = opts.outputType;
  if (opts.inPlace) {
    if (opts.extract !== undefined || type !== undefined) fail('E_USAGE', '--extract and --output-type print: they do not go with -i');
    // A plaintext file the user asked for is readable by them alone.
    return rewriteAll(files, 'decrypting', async (file) => ({ text: (await decryptedText(file, file, opts.key)).plain, mode: 0o600 }));
  }
  if (files.length > 1) fail('E_USAGE', `${files.length} files: decrypt several in place with -i (-o and standard output take one file)`);
  const file = files[0]!;
  const { plain, json } = await decryptedText(file, opts.output ?? file, opts.key);
  const out = opts.extract !== undefined ? extractValue(plain, opts.extract, type ?? 'yaml') : formatDecrypted(plain, type, json);
  emitOutput(out, { file, output: opts.output }, 0o600);
}
