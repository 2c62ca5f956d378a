import { fail } from '../../core/errors.js';
import { emitEncrypted } from '../../core/format/encrypted-store.js';
import { rewriteAll } from '../file-batch.js';
import { openFile, recipientsOf } from '../open-file.js';
import { finishSigning, writerSigner } from '../writer.js';
import { unlinkCopy } from '../copied-file.js';
import { resealOpened } from '../reseal-opened.js';
import { ruleMatchedEncryptedFiles } from '../rule-matched-files.js';
import type { RotateOptions } from './rotate.command.js';

/** A new DEK for every document: every value, token, layout and wrap changes. */
export async function run(opts: RotateOptions): Promise<void> {
  if (!opts.all && !opts.files?.length) fail('E_USAGE', 'name the files to rotate, or --all');
  const files = opts.all ? await ruleMatchedEncryptedFiles(process.cwd(), opts.files ?? []) : (opts.files ?? []);
  if (opts.all) process.stderr.write(`rotating ${files.length} encrypted file(s) that creation rules match\n`);
  await rewriteAll(files, 'rotating', async (file) => {
    const f = await openFile(file, opts.key);
    const recipients = recipientsOf(undefined, f.policy);
    const text = await finishSigning(emitEncrypted(resealOpened(f.opened, { recipients, rotate: true, signer: writerSigner(f.policy), newIds: await unlinkCopy(file, f.opened) }), f.format), f.policy);
    return { text, message: `${file}: new data key for ${f.opened.length} document(s); every value was re-encrypted\n` };
  });
}
