import { describe, expect, it } from 'vitest';
import { generateIdentity, formatRecipient } from '../../core/crypto/recipients/index.js';
import { signedItem, testWriter } from '../../test/helpers/signed-items.js';
import { itemSignatureVerifies } from './item-signature.js';

const recipient = formatRecipient(generateIdentity('mlkem1024-x25519').identity.recipient);
const alice = testWriter();
const keys = new Map([[alice.key.kid, alice.key]]);

describe('itemSignatureVerifies', () => {
  const { item } = signedItem(recipient, 'payments/db', alice.signer('alice'));
  const signed = item.signed!;

  it('holds for the document the writer signed', () => {
    expect(itemSignatureVerifies(item, keys)).toBe(true);
  });

  it('fails for every change to what the signature covers', () => {
    const other = signedItem(recipient, 'payments/db').item;
    for (const changed of [
      { ...item, scope: 'payments/*' },
      { ...item, docId: other.docId },
      { ...item, signed: { ...signed, mac: other.signed!.mac } },
      { ...item, signed: { ...signed, file: other.signed!.file } },
      { ...item, signed: { ...signed, after: other.signed!.file } },
      { ...item, signed: { ...signed, last: false } },
      { ...item, signed: { ...signed, mode: 'generic' as const } },
      { ...other, signed: { ...other.signed!, signature: signed.signature! } },
    ])
      expect(itemSignatureVerifies(changed, keys)).toBe(false);
  });

  it('fails for a kid it was not given, no signature, or a malformed one', () => {
    expect(itemSignatureVerifies(item, new Map())).toBe(false);
    const { signature: _, ...unsigned } = signed;
    expect(itemSignatureVerifies({ ...item, signed: unsigned }, keys)).toBe(false);
    expect(itemSignatureVerifies({ ...item, signed: { ...signed, signature: `${alice.key.kid}.YQ.AAA` } }, keys)).toBe(false);
    expect(itemSignatureVerifies({ ...item, signed: { ...signed, mac: 'AB' } }, keys)).toBe(false); // not canonical base64url
    // A claimed subject other than the one signed.
    const [kid, , bytes] = signed.signature!.split('.');
    expect(itemSignatureVerifies({ ...item, signed: { ...signed, signature: `${kid}.Ym9i.${bytes}` } }, keys)).toBe(false);
  });
});
