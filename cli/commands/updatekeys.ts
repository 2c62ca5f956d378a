import { emitEncrypted } from '../../core/format/encrypted-store.js';
import { writeAtomic } from '../files.js';
import { openFile, recipientsOf } from '../open-file.js';
import { progress } from '../progress.js';
import { resealOpened } from '../reseal-opened.js';
import type { UpdatekeysOptions } from './updatekeys.command.js';

/** Rewraps each document's DEK for the configured recipients; values, layout and DEK stay. */
export async function run(opts: UpdatekeysOptions): Promise<void> {
  const files = opts.files;
  const tick = progress('updating keys');
  for (const [n, file] of files.entries()) {
    const f = await openFile(file, opts.key);
    const recipients = recipientsOf(opts.recipient, f.policy);
    const before = new Set(f.opened.flatMap((o) => o.doc.envelope.recipients.map((r) => r.kid)));
    const docs = f.opened.map((o) => resealOpened(o, { recipients, previous: o }));
    const after = new Set(recipients.map((r) => r.kid));
    const added = [...after].filter((k) => !before.has(k));
    const removed = [...before].filter((k) => !after.has(k));
    const text = emitEncrypted(docs, f.format);
    if (text !== f.text) writeAtomic(file, text);
    process.stderr.write(`${file}: ${added.length || removed.length ? `+[${added.join(', ')}] -[${removed.join(', ')}]` : 'recipients unchanged'}\n`);
    tick(n + 1, files.length);
  }
}
