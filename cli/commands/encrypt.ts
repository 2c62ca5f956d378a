import { existsSync } from 'node:fs';
import { isGitsealError } from '../../core/errors.js';
import type { OpenedDocument } from '../../core/format/seal.js';
import { encryptStream, openStream } from '../../core/format/stream.js';
import { emitOutput, readInput } from '../files.js';
import { identitiesFor } from '../keys.js';
import { policyOf, recipientsOf } from '../open-file.js';
import { progress } from '../progress.js';
import { finishSigning, writerSigner } from '../writer.js';
import { unlinkCopy } from '../copied-file.js';
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

export async function run(opts: EncryptOptions): Promise<void> {
  const { file, output } = opts;
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
    onDocument: progress('encrypting document'),
  });
  emitOutput(await finishSigning(result, policy), { file, inPlace: opts.inPlace, output });
}
