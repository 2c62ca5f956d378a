import { decryptStream } from '../../core/stream.js';
import { emitOutput, readInput } from '../files.js';
import { identitiesFor } from '../keys.js';

export async function run(argv: Record<string, unknown>): Promise<void> {
  const file = argv.file as string;
  const text = readInput(file);
  const plain = decryptStream(text, await identitiesFor([text], argv.key as string | undefined));
  // A plaintext file the user asked for is readable by them alone.
  emitOutput(plain, { file, inPlace: argv.inPlace as boolean | undefined, output: argv.output as string | undefined }, 0o600);
}
