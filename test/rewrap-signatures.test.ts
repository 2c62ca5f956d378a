/**
 * Writer signatures enforced by the rewrap service over TLS (issue 14): where
 * the policy requires signatures, a document opens only when a writer the
 * service knows, granted `write` on its scope, signed it. A forged document
 * (sealed with the public recipient alone and signed with the attacker's own
 * key), a signature moved to another document, an unsigned document and a
 * writer with rewrap but not write are each refused with their own code;
 * POST /v1/sign signs for an authenticated writer only. Every decision is
 * audited naming the writer, and no canary value or DEK reaches the audit
 * log or the service's log. A client names a signature the service accepted
 * by its signer alone, and sends it again when the service, restarted, asks.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64url } from '../core/bytes.js';
import { parseRecipient } from '../core/crypto/recipients/index.js';
import { parseWriter } from '../core/crypto/writer-key.js';
import type { EncryptedDocument } from '../core/format/encrypted-document.js';
import { parseEncrypted } from '../core/format/encrypted-store.js';
import { openDocument } from '../core/format/seal.js';
import { checkSignature, type DocumentSigner } from '../core/format/signature.js';
import { encryptStream } from '../core/format/stream.js';
import { loadSigningKey } from '../kms/auth/request-signature.js';
import { RewrapClient } from '../kms/client/client.js';
import { rewrapItemFor, signatureOfField, signItemFor } from '../kms/protocol/rewrap-item.js';
import type { RewrapItem } from '../kms/protocol/types.js';
import { verifyAuditLog } from '../kms/service/audit-verify.js';
import { startService, type RunningService } from '../kms/service/serve.js';
import { parseServiceConfig } from '../kms/service/service-config.js';
import { readAudit, startTestService, type TestService } from './helpers/rewrap-service.js';
import { testWriter } from './helpers/signed-items.js';

const CANARY = 'CANARY-signed-4b1e7d-do-not-leak';
const secret = (ns: string, name: string): string =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ntype: Opaque\nstringData:\n  password: ${CANARY}-${ns}-${name}\n`;

const POLICY = `gitseal-policy: 1
requireSignatures: ["payments/*"]
rules:
  - name: the reader opens payments and billing
    subjects: ["dev:reader"]
    scopes: ["payments/*", "billing/*"]
    operations: [rewrap]
  - name: alice writes payments
    subjects: ["dev:alice"]
    scopes: ["payments/*"]
    operations: [rewrap, write]
  - name: bob reads payments, and writes nothing
    subjects: ["dev:bob"]
    scopes: ["payments/*"]
    operations: [rewrap]
`;

const alice = testWriter();
const bob = testWriter();
const attacker = testWriter();

describe('writer signatures at the rewrap service', () => {
  let svc: TestService;
  const clients: RewrapClient[] = [];
  const deks: Uint8Array[] = [];

  const clientFor = (name: string): RewrapClient => {
    const c = new RewrapClient({
      server: svc.url,
      ca: readFileSync(svc.caFile),
      signingKey: { keyId: name, privateKey: loadSigningKey(readFileSync(`${svc.dir}/${name}.pem`, 'utf8')).keyObject },
    });
    clients.push(c);
    return c;
  };

  /** One document sealed to the service's org key (what anyone with the public recipient can do), signed when a signer is given. */
  const seal = (ns: string, name: string, signer?: DocumentSigner): EncryptedDocument =>
    parseEncrypted(encryptStream(secret(ns, name), { recipients: [parseRecipient(svc.recipient)], scope: 'strict', signer })).docs[0]!;
  const itemOf = (doc: EncryptedDocument): RewrapItem => rewrapItemFor(doc, doc.envelope.recipients[0]!);

  /** The reader asks for each document; the outcome by CLI error code, and the values of those that open. */
  async function read(docs: EncryptedDocument[]): Promise<string[]> {
    const results = await clientFor('reader').unwrapSettled(docs.map(itemOf));
    return results.map((r, i) => {
      if (!r.ok) return `${r.code}/${r.wire}`;
      deks.push(r.dek.slice());
      const opened = openDocument(docs[i]!, r.dek);
      return opened.raws.some((v) => v.startsWith(CANARY)) ? 'opened' : 'opened without the value';
    });
  }

  beforeAll(async () => {
    svc = await startTestService({
      developers: ['reader', 'alice', 'bob'],
      policy: POLICY,
      writerKey: true,
      writers: { 'dev:alice': alice.text, 'dev:bob': bob.text },
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await svc?.close();
  });

  it('publishes its writer key on GET /v1/keys', async () => {
    const published = await clientFor('reader').writerKey();
    expect(published).toEqual({ kid: svc.writerKey!.kid, key: expect.stringMatching(/^gitseal-writer1:mldsa65-ed25519:/) });
    expect(parseWriter(published!.key)).toEqual(svc.writerKey);
  });

  it('opens a document a granted writer signed with their registered key', async () => {
    expect(await read([seal('payments', 'db', alice.signer('Alice Liddell'))])).toEqual(['opened']);
  });

  it('refuses an unsigned document where signatures are required, and opens it where they are not', async () => {
    expect(await read([seal('payments', 'db'), seal('billing', 'invoice')])).toEqual(['E_UNSIGNED/unsigned', 'opened']);
  });

  it('refuses a forged document: sealed with the public recipient and signed with the attacker’s own key, claiming alice', async () => {
    const forged = seal('payments', 'db', attacker.signer('dev:alice'));
    expect(await read([forged])).toEqual(['E_UNTRUSTED_WRITER/untrusted_writer']);
    // Where signatures are not required an unknown writer is not refused, but it is named only by kid in the audit.
    expect(await read([seal('billing', 'invoice', attacker.signer('dev:alice'))])).toEqual(['opened']);
  });

  it('refuses a signature moved from one document to another, required or not', async () => {
    const signed = seal('payments', 'db', alice.signer('Alice'));
    const forgedTarget = seal('payments', 'db');
    const moved = { ...forgedTarget, envelope: { ...forgedTarget.envelope, signature: signed.envelope.signature } };
    const billing = seal('billing', 'invoice', alice.signer('Alice'));
    const otherBilling = seal('billing', 'invoice');
    const movedBilling = { ...otherBilling, envelope: { ...otherBilling.envelope, signature: billing.envelope.signature } };
    expect(await read([moved, movedBilling])).toEqual(['E_TAMPERED/bad_signature', 'E_TAMPERED/bad_signature']);
  });

  it('bob, with rewrap but not write, can get nothing signed, and what he signs with his own key is refused', async () => {
    const doc = seal('payments', 'api');
    const [asked] = await clientFor('bob').sign([signItemFor(doc)]);
    expect(asked).toMatchObject({ ok: false, code: 'E_DENIED', wire: 'denied' });
    expect(await read([seal('payments', 'api', bob.signer('dev:bob'))])).toEqual(['E_DENIED/writer_denied']);
    // Bob himself may still read what a granted writer wrote.
    const fine = await clientFor('bob').unwrapSettled([itemOf(seal('payments', 'api', alice.signer('Alice')))]);
    expect(fine[0]).toMatchObject({ ok: true });
  });

  it('POST /v1/sign signs for alice, naming her; the document then opens, and a reader who trusts the service sees alice', async () => {
    const doc = seal('payments', 'cache');
    const [out, elsewhere] = await clientFor('alice').sign([signItemFor(doc), signItemFor(seal('billing', 'x'))]);
    expect(elsewhere).toMatchObject({ ok: false, code: 'E_DENIED' });
    if (!out?.ok) throw new Error(`expected a signature, got ${JSON.stringify(out)}`);
    const signature = signatureOfField(out.signature)!;
    expect(signature).toMatchObject({ kid: svc.writerKey!.kid, subject: 'dev:alice' });
    const signedDoc = { ...doc, envelope: { ...doc.envelope, signature } };
    expect(checkSignature(signedDoc, [{ name: 'the rewrap service', key: svc.writerKey!, signsFor: true }])).toMatchObject({ status: 'trusted', writer: 'dev:alice' });
    expect(await read([signedDoc])).toEqual(['opened']);
    // The same signature on the wider binding of its namespace does not hold.
    const [wider] = await clientFor('reader').unwrapSettled([{ ...itemOf(signedDoc), scope: 'payments/*' }]);
    expect(wider).toMatchObject({ ok: false, wire: 'bad_signature' });
  });

  it('audits every rewrap and sign decision naming the writer, in an unbroken chain, with no value, DEK or signature', () => {
    const text = readFileSync(svc.auditFile, 'utf8');
    expect(verifyAuditLog(text)).toMatchObject({ ok: true });
    const records = readAudit(svc);
    const rewraps = records.filter((r) => r['operation'] === 'rewrap');
    expect(rewraps).toContainEqual(expect.objectContaining({ subject: 'dev:reader', decision: 'allow', scope: 'payments/db', writerKid: alice.key.kid, writer: 'dev:alice' }));
    expect(rewraps).toContainEqual(expect.objectContaining({ decision: 'deny', reason: 'unsigned', scope: 'payments/db' }));
    expect(rewraps).toContainEqual(expect.objectContaining({ decision: 'deny', reason: 'untrusted_writer', writerKid: attacker.key.kid }));
    expect(rewraps.find((r) => r['writerKid'] === attacker.key.kid)).not.toHaveProperty('writer');
    expect(rewraps).toContainEqual(expect.objectContaining({ decision: 'deny', reason: 'bad_signature', writerKid: alice.key.kid }));
    expect(rewraps).toContainEqual(expect.objectContaining({ decision: 'deny', reason: 'writer_denied', writerKid: bob.key.kid, writer: 'dev:bob' }));
    expect(rewraps).toContainEqual(expect.objectContaining({ decision: 'allow', scope: 'payments/cache', writerKid: svc.writerKey!.kid, writer: 'dev:alice' }));
    const signs = records.filter((r) => r['operation'] === 'write');
    expect(signs).toContainEqual(expect.objectContaining({ subject: 'dev:bob', decision: 'deny', reason: 'denied', writerKid: svc.writerKey!.kid, writer: 'dev:bob' }));
    expect(signs).toContainEqual(expect.objectContaining({ subject: 'dev:alice', decision: 'allow', scope: 'payments/cache', writer: 'dev:alice' }));

    expect(deks.length).toBe(4);
    const logs = svc.logs.join('\n');
    for (const where of [text, logs]) {
      expect(where).not.toContain(CANARY);
      for (const dek of deks) {
        expect(where).not.toContain(b64url(dek));
        expect(where).not.toContain(Buffer.from(dek).toString('hex'));
        expect(where).not.toContain(Buffer.from(dek).toString('base64'));
      }
      expect(where).not.toMatch(/[A-Za-z0-9_-]{400}/); // no envelope, signature or key
    }
  });
});

describe('signatures named, not sent, once the service accepted them', () => {
  let svc: TestService;
  let restarted: RunningService | undefined;
  let client: RewrapClient;
  const bodies: string[] = [];

  /** Keeps the body of every rewrap request the server gets, beside its own handler. */
  const listen = (server: RunningService['server']): void => {
    server.on('request', (req: IncomingMessage) => {
      if (req.url !== '/v1/rewrap') return;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => bodies.push(Buffer.concat(chunks).toString('utf8')));
    });
  };

  beforeAll(async () => {
    svc = await startTestService({ developers: ['reader'], policy: POLICY, writers: { 'dev:alice': alice.text } });
    listen(svc.running.server);
    client = new RewrapClient({
      server: svc.url,
      ca: readFileSync(svc.caFile),
      signingKey: { keyId: 'reader', privateKey: loadSigningKey(readFileSync(`${svc.dir}/reader.pem`, 'utf8')).keyObject },
    });
  });

  afterAll(async () => {
    client?.close();
    await restarted?.close();
    await svc?.close();
  });

  it('sends a signature once, then only its signer; after a restart the service asks for it and the client sends it again', async () => {
    const doc = parseEncrypted(encryptStream(secret('payments', 'db'), { recipients: [parseRecipient(svc.recipient)], scope: 'strict', signer: alice.signer('Alice') })).docs[0]!;
    const item = rewrapItemFor(doc, doc.envelope.recipients[0]!);
    const bytes = item.signed!.signature!.slice(item.signed!.signature!.lastIndexOf('.') + 1);
    const read = async (): Promise<string> => {
      const [r] = await client.unwrapSettled([item]);
      return r?.ok ? (openDocument(doc, r.dek).raws.some((v) => v.startsWith(CANARY)) ? 'opened' : 'no value') : `${r?.wire}`;
    };
    expect(await read()).toBe('opened');
    expect(await read()).toBe('opened');
    expect(bodies.map((b) => [b.includes(bytes), b.includes('"signer"')])).toEqual([
      [true, false],
      [false, true],
    ]);

    // The same files, the same port, an empty cache: as after a restart or on another replica.
    await svc.running.close();
    const config = parseServiceConfig(readFileSync(join(svc.dir, 'service.yaml'), 'utf8'), join(svc.dir, 'service.yaml'));
    restarted = await startService(config, { port: svc.running.port, env: { ...process.env, GITSEAL_TEST_ROOT_PASSPHRASE: 'test root passphrase, not secret' }, log: () => {} });
    listen(restarted.server);
    expect(await read()).toBe('opened');
    expect(bodies.slice(2).map((b) => [b.includes(bytes), b.includes('"signer"')])).toEqual([
      [false, true],
      [true, false],
    ]);
    const reasons = readAudit(svc).filter((r) => r['operation'] === 'rewrap').map((r) => r['reason']);
    expect(reasons).toEqual(['ok', 'ok', 'signature_needed', 'ok']);
  });
});
