/** Shared by `updatekeys`, `rotate` and `sign`: seal a file's opened documents again from their own plaintext. */
import type { EncryptedDocument } from '../core/format/encrypted-document.js';
import { openedLeaves, type OpenedDocument } from '../core/format/seal.js';
import { sealFile, type EncryptOptions } from '../core/format/stream.js';

/** Seals a file's opened documents again from their own plaintext, e.g. for new recipients or a new DEK; the file keeps its id. */
export function resealOpened(opened: readonly OpenedDocument[], opts: Pick<EncryptOptions, 'recipients' | 'rotate' | 'renewKey' | 'signer' | 'newIds'>): EncryptedDocument[] {
  const inputs = opened.map((o) => {
    const { mode, identity, readable, scope } = o.doc;
    return { plain: { chunks: o.chunks, leaves: openedLeaves(o) }, mode, identity, readable, scope };
  });
  return sealFile(inputs, opened, opts);
}
