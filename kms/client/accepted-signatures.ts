/**
 * Signatures the rewrap service has accepted from this client, so the next
 * request for the same document names its signature by `signer` alone
 * (`w-KID.SUBJECT`) instead of sending its 4,500 characters again: a batch
 * of 1,000 signed items is 7 MB with the signatures and 2.5 MB without, and
 * the controller asks for the same documents again and again. The service
 * answers `signature_needed` for one it has not verified (restarted, another
 * replica, or forgotten), and the client sends it in full then
 * (kms/service/writer-check.ts). Kept by SHA-256 of the signature's last
 * 86 characters (its Ed25519 half): a collision would only send a signer the
 * service then asks about, since it accepts a signer only for a message it
 * verified itself. Bounded, least recently used first.
 */
import { createHash } from 'node:crypto';
import { signerOfSignature } from '../protocol/rewrap-item.js';
import type { RewrapItem } from '../protocol/types.js';

const MAX_ENTRIES = 65_536;

const keyOf = (item: RewrapItem): string | null => (item.signed?.signature === undefined ? null : createHash('sha256').update(item.signed.signature.slice(-86)).digest('base64'));

export class AcceptedSignatures {
  readonly #keys = new Map<string, true>();

  constructor(private readonly max = MAX_ENTRIES) {}

  /** The item as it is sent: with its signature named by `signer` when the service accepted that signature before. */
  compact(item: RewrapItem): RewrapItem {
    const key = keyOf(item);
    if (key === null || !this.#keys.delete(key)) return item;
    this.#keys.set(key, true);
    const { signature, ...signed } = item.signed!;
    return { ...item, signed: { ...signed, signer: signerOfSignature(signature!) } };
  }

  /** The service accepted the item (it answered with a DEK). */
  accepted(item: RewrapItem): void {
    const key = keyOf(item);
    if (key === null) return;
    this.#keys.delete(key);
    this.#keys.set(key, true);
    if (this.#keys.size > this.max) this.#keys.delete(this.#keys.keys().next().value!);
  }

  /** The service no longer knows the signature (signature_needed). */
  forget(item: RewrapItem): void {
    const key = keyOf(item);
    if (key !== null) this.#keys.delete(key);
  }
}
