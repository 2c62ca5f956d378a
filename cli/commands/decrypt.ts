import { parseEncrypted } from '../../core/format/encrypted-store.js';
import { openAll, renderOpened } from '../../core/format/stream.js';
import { emitOutput, readInput } from '../files.js';
import { identitiesFor } from '../keys.js';
import { policyOf } from '../open-file.js';
import { checkWriters } from '../writer.js';
import type { DecryptOptions } from './decrypt.command.js';

export async function run(opts: DecryptOptions): Promise<void> {
  const file = opts.file;
  const text = readInput(file);
  const { docs } = parseEncrypted(text);
  checkWriters(file === '-' ? 'standard input' : file, docs, policyOf(opts.output ?? file));
  const plain = renderOpened(openAll(docs, await identitiesFor([text], opts.key)));
  // A plaintext file the user asked for is readable by them alone.
  emitOutput(plain, { file, inPlace: opts.inPlace, output: opts.output }, 0o600);
}
