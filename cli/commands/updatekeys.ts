import { emitEncrypted } from '../../core/format/encrypted-store.js';
import { dropsRecipient } from '../../core/format/seal.js';
import { rewriteAll } from '../file-batch.js';
import { openFile, recipientsOf } from '../open-file.js';
import { finishSigning, removedWriterOf, writerSigner } from '../writer.js';
import { unlinkCopy } from '../copied-file.js';
import { resealOpened } from '../reseal-opened.js';
import type { UpdatekeysOptions } from './updatekeys.command.js';

/**
 * Rewraps each document's DEK for the configured recipients; values, layout and DEK stay. A document that
 * loses a recipient gets a new DEK instead (every value sealed again), and the command says so.
 */
export async function run(opts: UpdatekeysOptions): Promise<void> {
  const files = opts.files;
  await rewriteAll(files, 'updating keys', async (file) => {
    const f = await openFile(file, opts.key);
    const recipients = recipientsOf(opts.recipient, f.policy);
    const before = new Set(f.opened.flatMap((o) => o.doc.envelope.recipients.map((r) => r.kid)));
    const copy = await unlinkCopy(file, f.opened);
    const renewKey = removedWriterOf(f.policy);
    const renewed = copy ? f.opened.length : f.opened.filter((o) => dropsRecipient(o, { recipients }) || renewKey(o)).length;
    const docs = resealOpened(f.opened, { recipients, signer: writerSigner(f.policy), renewKey, newIds: copy });
    const after = new Set(recipients.map((r) => r.kid));
    const added = [...after].filter((k) => !before.has(k));
    const removed = [...before].filter((k) => !after.has(k));
    const text = await finishSigning(emitEncrypted(docs, f.format), f.policy);
    const change = added.length || removed.length ? `+[${added.join(', ')}] -[${removed.join(', ')}]` : 'recipients unchanged';
    const renewal = renewed && !copy ? `; new data key for ${renewed} of ${f.opened.length} document(s), since a recipient or its writer was removed: values sealed before stay readable to whoever kept the old key` : '';
    return { text: text === f.text ? null : text, message: `${file}: ${change}${renewal}\n` };
  });
}
