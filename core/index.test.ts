import { describe, expect, it } from 'vitest';
import * as core from './index.js';

describe('core as a library (core/index.ts)', () => {
  it('encrypts and decrypts a manifest with a new key, and refuses a changed file with a typed error', () => {
    const { identity } = core.generateIdentity();
    const recipient = core.parseRecipient(core.formatRecipient(identity.recipient));
    const manifest = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: payments\nstringData:\n  password: canary-5d1e\n';
    const sealed = core.encryptStream(manifest, { recipients: [recipient], scope: 'strict' });
    expect(sealed).not.toContain('canary-5d1e');
    expect(core.decryptStream(sealed, [identity])).toBe(manifest);
    const { docs, format } = core.parseEncrypted(sealed);
    expect(core.emitEncrypted(docs, format)).toBe(sealed);
    const tampered = sealed.replace('namespace: payments', 'namespace: billing');
    expect(() => core.decryptStream(tampered, [identity])).toThrow(core.GitsealError);
  });

  it('keeps keys in a keystore that lists its recipients without the passphrase', () => {
    const { identity, secret } = core.generateIdentity();
    const text = core.encodeKeystore([{ identity, secret, created: '2026-12-03T00:00:00Z' }], 'pass phrase', { N: 1024, r: 8, p: 1 });
    expect(core.isKeystoreSealed(text)).toBe(true);
    expect(core.keystoreRecipients(text)).toEqual([core.formatRecipient(identity.recipient)]);
    expect(core.decodeKeystore(text, 'pass phrase').map((i) => core.formatRecipient(i.recipient))).toEqual([core.formatRecipient(identity.recipient)]);
  });
});
