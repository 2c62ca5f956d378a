import { describe, expect, it } from 'vitest';
import { generateIdentity, parseRecipient, formatRecipient } from '../crypto/recipients/index.js';
import { encryptStream, openStream } from './stream.js';

const MANIFEST = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: first\n';
const key = () => {
  const { identity } = generateIdentity();
  return { identity, recipient: parseRecipient(formatRecipient(identity.recipient)) };
};

describe('a document that loses a recipient gets a new data key', () => {
  it('removing a recipient renews the DEK (a DEK kept by the removed holder opens nothing new); adding one keeps it', () => {
    const [a, b, c] = [key(), key(), key()];
    const first = encryptStream(MANIFEST, { recipients: [a.recipient, b.recipient], scope: 'strict' });
    const opened = openStream(first, [a.identity]).opened;
    const dek = Buffer.from(opened[0]!.dek).toString('hex');

    const added = encryptStream(MANIFEST, { recipients: [a.recipient, b.recipient, c.recipient], scope: 'strict', previous: opened });
    expect(Buffer.from(openStream(added, [a.identity]).opened[0]!.dek).toString('hex')).toBe(dek);

    const removed = encryptStream(MANIFEST.replace('first', 'second'), { recipients: [a.recipient], scope: 'strict', previous: opened });
    const renewed = openStream(removed, [a.identity]).opened[0]!;
    expect(Buffer.from(renewed.dek).toString('hex')).not.toBe(dek);
    expect(renewed.doc.envelope.docId).toEqual(opened[0]!.doc.envelope.docId);
    expect(() => openStream(removed, [b.identity])).toThrow(/E_NO_KEY|no key/i);
  });
});
