/**
 * Whether a rewrap item's signature verifies (schemas/FORMAT.md §13): the
 * unwrap workers' part of the writer check, so the ML-DSA-65 and Ed25519
 * verifications run beside the unwraps, off the service's main thread.
 */
import { verifyWriterSignature, type WriterPublic } from '../../core/crypto/writer-key.js';
import { signedMessage } from '../../core/format/signature.js';
import { signatureOfField, signedFieldsOfItem } from '../protocol/rewrap-item.js';
import type { RewrapItem } from '../protocol/types.js';

/** True when the item is signed by one of `keys` and the signature holds over what it covers; false for anything else. */
export function itemSignatureVerifies(item: RewrapItem, keys: ReadonlyMap<string, WriterPublic>): boolean {
  const signed = item.signed;
  const sig = signed?.signature === undefined ? null : signatureOfField(signed.signature);
  const key = sig ? keys.get(sig.kid) : undefined;
  if (!signed || !sig || !key) return false;
  let message: Uint8Array;
  try {
    message = signedMessage(signedFieldsOfItem({ ...item, signed }), sig.kid, sig.subject);
  } catch {
    return false; // a field that is not canonical base64url: not what anyone signed
  }
  return verifyWriterSignature(key, message, sig.bytes);
}
