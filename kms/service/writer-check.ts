/**
 * Who wrote a rewrap item's document, and whether that lets the service
 * unwrap it (docs/ARCHITECTURE.md#writers). Decided on the main thread from
 * the policy and the writers the service knows; the signature itself is
 * verified by the unwrap worker before it unwraps (item-signature.ts), unless
 * the same signature over the same document verified before
 * (signature-cache.ts: the same key over the same message).
 *
 * When the item's scope requires signatures: no signature is `unsigned`, a
 * kid the service does not know `untrusted_writer`, a signature that does not
 * verify `bad_signature`, and a writer without `write` on the scope
 * `writer_denied`. When it does not: an unsigned document or an unknown kid
 * passes, but a known writer's signature must still verify.
 *
 * A client may name a signature the service verified before by its `signer`
 * alone (`w-KID.SUBJECT`, without the 4,500 characters of the signature): it
 * is accepted when the cache holds the message it names, and answered with
 * `signature_needed` otherwise, so the client sends the signature itself.
 * What is accepted is what a full signature would give: the cache holds only
 * messages verified under the key the service knows for that kid.
 */
import { signatureWriter, signerOf, signerOfSignature } from '../protocol/rewrap-item.js';
import type { RewrapItem, WireCode } from '../protocol/types.js';
import { SignatureCache, signatureCacheKey } from './signature-cache.js';
import type { ServiceWriters } from './service-writers.js';
import type { Policy } from './types.js';

/** The writer as the audit names it: the kid, and the subject policy judged (absent for a key the service does not know). */
export interface ItemWriter {
  readonly kid: string;
  readonly subject?: string;
}

export type WriterVerdict =
  | { readonly refuse: WireCode; readonly message: string; readonly writer?: ItemWriter }
  | {
      readonly refuse: null;
      readonly writer?: ItemWriter;
      /** The worker verifies first: then unwraps, or, when `denied`, answers writer_denied with `deniedMessage`. */
      readonly verify?: { readonly cacheKey: string; readonly denied: boolean; readonly deniedMessage: string };
    };

export class WriterCheck {
  constructor(
    private readonly writers: ServiceWriters,
    private readonly cache = new SignatureCache(),
  ) {}

  verdict(item: RewrapItem, policy: Policy): WriterVerdict {
    const requiredBy = policy.signaturesRequiredBy(item.scope);
    const { signature: field, signer } = item.signed ?? {};
    if ((field === undefined && signer === undefined) || !item.signed)
      return requiredBy === null ? { refuse: null } : { refuse: 'unsigned', message: `the document is not signed, and policy requires signatures for ${requiredBy}` };
    const claimed = field === undefined ? signerOf(signer!) : signatureWriter(field);
    if (!claimed) return { refuse: 'bad_request', message: 'the signature is not w-KID.SUBJECT.SIGNATURE' };
    const known = this.writers.find(claimed.kid);
    if (!known) {
      const writer = { kid: claimed.kid };
      return requiredBy === null ? { refuse: null, writer } : { refuse: 'untrusted_writer', message: `the document is signed with ${claimed.kid}, a writer key this service does not know`, writer };
    }
    const writer = { kid: claimed.kid, subject: known.subject ?? claimed.subject };
    const cacheKey = signatureCacheKey({ scope: item.scope, docId: item.docId, signed: item.signed }, field === undefined ? signer! : signerOfSignature(field));
    const denied = requiredBy !== null && !policy.decide(writer.subject, item.scope, 'write').allowed;
    const deniedMessage = `the writer ${writer.subject} (${writer.kid}) is not granted write on scope ${item.scope}`;
    if (!this.cache.has(cacheKey)) {
      if (field === undefined) return { refuse: 'signature_needed', message: 'the service has not verified this signature (restarted, or another replica): send it with the item', writer };
      return { refuse: null, writer, verify: { cacheKey, denied, deniedMessage } };
    }
    return denied ? { refuse: 'writer_denied', message: deniedMessage, writer } : { refuse: null, writer };
  }

  /** A signature the worker verified: the next request for the same document skips the verification. */
  verified(cacheKey: string): void {
    this.cache.add(cacheKey);
  }
}
