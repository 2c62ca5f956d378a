import { describe, expect, it } from 'vitest';
import { verifyWriterSignature } from '../../core/crypto/writer-key.js';
import { signatureOfField, signedFieldsOfItem } from '../protocol/rewrap-item.js';
import { signedMessage } from '../../core/format/signature.js';
import { testWriter } from '../../test/helpers/signed-items.js';
import type { RootState } from './keyring.js';
import { parsePolicy } from './policy.js';
import { SignService } from './sign-service.js';
import type { AuditEvent } from './types.js';

const own = testWriter();
const signer = own.signer('unused');
const policy = parsePolicy('gitseal-policy: 1\nrules:\n  - {subjects: ["dev:alice"], scopes: ["payments/*"], operations: [write]}\n  - {subjects: ["dev:bob"], scopes: ["payments/*"], operations: [rewrap]}\n', 'p');
const doc = (scope: string) => ({ scope, docId: 'q83vEjRWeJCrze8SNFZ4kA', signed: { mode: 'secret' as const, file: 'q83vEjRWeJCrze8SNFZ4kA', after: 'start', last: true, mac: 'A'.repeat(43) } });

function setup(state: RootState = 'ready') {
  const audited: AuditEvent[] = [];
  const svc = new SignService({ state }, { sign: async (ms) => ms.map((m) => signer.sign(m)) }, own.key, () => policy, { append: async (e) => void audited.push(...e) });
  const sign = (subject: string, scopes: string[]) => svc.sign({ items: scopes.map(doc) }, { caller: { subject, method: 'ed25519' }, requestId: 'r1', remote: '127.0.0.1' });
  return { sign, audited };
}

describe('SignService', () => {
  it('signs for the caller where policy grants write, naming the caller, and audits each with the writer', async () => {
    const { sign, audited } = setup();
    const out = await sign('dev:alice', ['payments/db', 'billing/db']);
    const [ok, denied] = out.items;
    expect(denied).toEqual({ ok: false, error: 'denied', message: 'denied by policy: write on scope billing/db (subject dev:alice)' });
    if (!ok?.ok) throw new Error('expected a signature');
    const sig = signatureOfField(ok.signature)!;
    expect(sig).toMatchObject({ kid: own.key.kid, subject: 'dev:alice' });
    expect(verifyWriterSignature(own.key, signedMessage(signedFieldsOfItem(doc('payments/db')), sig.kid, sig.subject), sig.bytes)).toBe(true);
    expect(audited).toEqual([
      expect.objectContaining({ subject: 'dev:alice', operation: 'write', decision: 'allow', reason: 'ok', scope: 'payments/db', writerKid: own.key.kid, writer: 'dev:alice', remote: '127.0.0.1' }),
      expect.objectContaining({ subject: 'dev:alice', operation: 'write', decision: 'deny', reason: 'denied', scope: 'billing/db', writerKid: own.key.kid }),
    ]);
  });

  it('refuses each document with not_found, audited, when the service has no writer key', async () => {
    const audited: AuditEvent[] = [];
    const svc = new SignService({ state: 'ready' }, { sign: async () => [] }, null, () => policy, { append: async (e) => void audited.push(...e) });
    const out = await svc.sign({ items: [doc('payments/db')] }, { caller: { subject: 'dev:alice', method: 'ed25519' }, requestId: 'r' });
    expect(out.items).toMatchObject([{ ok: false, error: 'not_found' }]);
    expect(audited).toEqual([expect.objectContaining({ operation: 'write', decision: 'deny', reason: 'not_found', writer: 'dev:alice' })]);
    expect(audited[0]).not.toHaveProperty('writerKid');
  });

  it('signs nothing for a subject with rewrap only, nor under the kill switch', async () => {
    expect((await setup().sign('dev:bob', ['payments/db'])).items).toMatchObject([{ ok: false, error: 'denied' }]);
    expect((await setup('root_revoked').sign('dev:alice', ['payments/db'])).items).toMatchObject([{ ok: false, error: 'root_revoked' }]);
  });

  it('refuses a subject no signature can name, and fields that are not base64url', async () => {
    const open = parsePolicy('gitseal-policy: 1\nrules:\n  - {subjects: ["*"], scopes: ["*"], operations: [write]}\n', 'p');
    const svc = new SignService({ state: 'ready' }, { sign: async (ms) => ms.map((m) => signer.sign(m)) }, own.key, () => open, { append: async () => undefined });
    const ctx = (subject: string) => ({ caller: { subject, method: 'oidc' as const }, requestId: 'r' });
    expect((await svc.sign({ items: [doc('a/b')] }, ctx('x'.repeat(257)))).items).toMatchObject([{ ok: false, error: 'bad_request' }]);
    const bad = { ...doc('a/b'), signed: { ...doc('a/b').signed, mac: 'AB' } };
    expect((await svc.sign({ items: [bad] }, ctx('dev:a'))).items).toMatchObject([{ ok: false, error: 'bad_request' }]);
  });
});
