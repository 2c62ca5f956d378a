/** Shared by `updatekeys` and `rotate`: seal an opened document again from its own plaintext. */
import { openedLeaves, sealDocument, type OpenedDocument, type SealOptions } from '../core/format/seal.js';

/** Seals an opened document again from its own plaintext, e.g. for new recipients or a new DEK. */
export function resealOpened(o: OpenedDocument, opts: SealOptions) {
  const { mode, identity, readable, scope } = o.doc;
  return sealDocument({ plain: { chunks: o.chunks, leaves: openedLeaves(o) }, mode, identity, readable, scope }, opts);
}
