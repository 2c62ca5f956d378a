import { describe, expect, it } from 'vitest';
import { isGitsealError } from '../errors.js';
import { formatRecipient, generateIdentity, parseRecipient } from '../crypto/recipients/index.js';
import { parseEncrypted } from './encrypted-store.js';
import { decryptStream, encryptStream } from './stream.js';

const secret = (name: string, value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: payments\nstringData:\n  password: ${value}\n`;
const { identity } = generateIdentity();
const recipient = parseRecipient(formatRecipient(identity.recipient));
const seal = (text: string) => encryptStream(text, { recipients: [recipient], scope: 'strict' });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isGitsealError(e) ? e.code : String(e);
  }
  return 'no error';
};

describe('a file holds each object and each document once', () => {
  const file = seal(`${secret('db', 'one')}---\n${secret('cache', 'two')}`);

  it('reads a file whose documents are all different', () => {
    expect(parseEncrypted(file).docs).toHaveLength(2);
    expect(decryptStream(file, [identity])).toContain('password: two');
  });

  it('refuses a document appended twice (the same document id)', () => {
    const second = file.split(/^---\n/m)[1]!;
    expect(codeOf(() => parseEncrypted(`${file}---\n${second}`))).toBe('E_TAMPERED');
  });

  it("refuses an attacker's own EncryptedSecret of the same namespace and name, appended with only the public recipient", () => {
    const forged = seal(secret('db', 'attacker-chosen'));
    expect(codeOf(() => parseEncrypted(`${file}---\n${forged}`))).toBe('E_TAMPERED');
    expect(codeOf(() => decryptStream(`${file}---\n${forged}`, [identity]))).toBe('E_TAMPERED');
  });

  it('refuses to encrypt two Secrets of the same namespace and name', () => {
    expect(codeOf(() => seal(`${secret('db', 'one')}---\n${secret('db', 'two')}`))).toBe('E_SECRET_INVALID');
  });
});
