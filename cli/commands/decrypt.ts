import { decryptStream } from '../../core/format/stream.js';
import { emitOutput, readInput } from '../files.js';
import { identitiesFor } from '../keys.js';
import type { DecryptOptions } from './decrypt.command.js';

export async function run(opts: DecryptOptions): Promise<void> {
  const file = opts.file;
  const text = readInput(file);
  const plain = decryptStream(text, await identitiesFor([text], opts.key));
  // A plaintext file the user asked for is readable by them alone.
  emitOutput(plain, { file, inPlace: opts.inPlace, output: opts.output }, 0o600);
}
