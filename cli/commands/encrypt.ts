import { existsSync } from 'node:fs';
import { fail, isGitsealError } from '../../core/errors.js';
import type { OpenedDocument } from '../../core/format/seal.js';
import { encryptStream, openStream } from '../../core/format/stream.js';
import { emitOutput, readInput } from '../files.js';
import { identitiesFor } from '../keys.js';
import { policyOf, recipientsOf } from '../open-file.js';
import { progress } from '../progress.js';
import { finishSigning, writerSigner } from '../writer.js';
import { unlinkCopy } from '../copied-file.js';
import { rewriteAll } from '../file-batch.js';
import { filesOf } from '../shared-options.js';
import type { EncryptOptions } from './encrypt.command.js';

/** An existing encrypted output is opened so unchanged values keep their ciphertext (schemas/FORMAT.md §4). */
async function previousVersion(target: string | undefined, keyFile: string | undefined): Promise<OpenedDocument[] | undefined> {
  if (!target || target === '-' || !existsSync(target)) return undefined;
  try {
    const text = readInput(target);
    return openStream(text, await identitiesFor([text], keyFile)).opened;
  } catch (e) {
    if (isGitsealError(e, 'E_NOT_ENCRYPTED') || isGitsealError(e, 'E_NO_KEY')) {
      if (isGitsealError(e, 'E_NO_KEY')) process.stderr.write(`gitseal: no key opens ${target}, so every value gets new ciphertext\n`);
      return undefined;
    }
    throw e;
  }
}

/** The encrypted text of `file`; an existing `output` lends the ciphertexts of unchanged values. */
async function encryptedText(file: string, output: string | undefined, opts: EncryptOptions, onDocument?: (done: number, total: number) => void): Promise<string> {
  const text = readInput(file);
  const policy = policyOf(output ?? file);
  const recipients = recipientsOf(opts.recipient, policy);
  const previous = await previousVersion(output, opts.key);
  const result = encryptStream(text, {
    recipients,
    scope: opts.scope ?? policy.scope,
    readablePaths: policy.readablePaths,
    previous,
    newIds: previous !== undefined && output !== undefined && (await unlinkCopy(output, previous)),
    signer: writerSigner(policy),
    ...(onDocument ? { onDocument } : {}),
  });
  return finishSigning(result, policy);
}

export async function run(opts: EncryptOptions): Promise<void> {
  const files = filesOf(opts);
  if (opts.inPlace) return rewriteAll(files, 'encrypting', async (file) => ({ text: await encryptedText(file, undefined, opts) }));
  if (files.length > 1) fail('E_USAGE', `${files.length} files: encrypt several in place with -i (-o and standard output take one file)`);
  const file = files[0]!;
  emitOutput(await encryptedText(file, opts.output, opts, progress('encrypting document')), { file, output: opts.output });
}
