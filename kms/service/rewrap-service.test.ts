import { describe, expect, it } from 'vitest';
import { b64url } from '../../core/bytes.js';
import { x25519Ephemeral } from '../../core/crypto/recipients/x25519.js';
import { formatRecipient, generateIdentity } from '../../core/crypto/recipients/index.js';
import { signedItem, testWriter } from '../../test/helpers/signed-items.js';
import type { RewrapItem, RewrapResult } from '../protocol/types.js';
import { itemSignatureVerifies } from './item-signature.js';
import { parsePolicy } from './policy.js';
import { RewrapService, type Rewrapper } from './rewrap-service.js';
import { ServiceWriters } from './service-writers.js';
import type { AuditEvent } from './types.js';
import type { WorkerItem } from './unwrap-worker.js';
import { WriterCheck } from './writer-check.js';

const recipient = formatRecipient(generateIdentity('mlkem1024-x25519').identity.recipient);
const alice = testWriter();
const bob = testWriter();
const service = testWriter();
const mallory = testWriter();

const POLICY = parsePolicy(
  `gitseal-policy: 1
requireSignatures: ["payments/*"]
rules:
  - {subjects: ["dev:reader"], scopes: ["payments/*", "billing/*"], operations: [rewrap]}
  - {subjects: ["dev:alice", "dev:carol"], scopes: ["payments/*", "billing/*"], operations: [write]}
`,
  'policy.yaml',
);

/** The workers' part, in this thread: verify when asked, then "unwrap". */
function fakePool(keys = new ServiceWriters([], null).keys()) {
  const seen: WorkerItem[][] = [];
  const map = new Map(keys.map((k) => [k.kid, k]));
  const pool: Rewrapper = {
    rewrap: async (items) => {
      seen.push(items);
      return items.map((item): RewrapResult => {
        if (item.verify && !itemSignatureVerifies(item, map)) return { ok: false, error: 'bad_signature', message: 'bad' };
        if (item.verify === 'only') return { ok: false, error: 'writer_denied', message: '' };
        return { ok: true, sealed: 'SEALED' };
      });
    },
  };
  return { pool, seen };
}

function setup() {
  const writers = new ServiceWriters(
    [
      { subject: 'dev:alice', key: alice.key },
      { subject: 'dev:bob', key: bob.key },
    ],
    service.key,
  );
  const { pool, seen } = fakePool(writers.keys());
  const audited: AuditEvent[] = [];
  const svc = new RewrapService(
    { state: 'ready', keyState: () => 'active' } as unknown as ConstructorParameters<typeof RewrapService>[0],
    pool,
    () => POLICY,
    { append: async (events) => void audited.push(...events) },
    new WriterCheck(writers),
  );
  const ask = async (items: RewrapItem[]) => {
    const out = await svc.rewrap({ clientKey: b64url(x25519Ephemeral().publicKey), items }, { caller: { subject: 'dev:reader', method: 'ed25519' }, requestId: 'r1' });
    return out.items.map((r) => (r.ok ? 'ok' : r.error));
  };
  return { ask, seen, audited, svc };
}

const moved = (from: RewrapItem, to: RewrapItem): RewrapItem => ({ ...to, signed: { ...to.signed!, signature: from.signed!.signature! } });

describe('RewrapService writer checks', () => {
  it('where signatures are required: each refusal has its own code, and a granted writer passes', async () => {
    const { ask, audited } = setup();
    const good = signedItem(recipient, 'payments/db', alice.signer('Alice')).item;
    const items = [
      good,
      signedItem(recipient, 'payments/db').item,
      signedItem(recipient, 'payments/db', mallory.signer('dev:alice')).item,
      moved(good, signedItem(recipient, 'payments/db').item),
      signedItem(recipient, 'payments/db', bob.signer('dev:bob')).item,
      signedItem(recipient, 'payments/db', service.signer('dev:carol')).item,
      signedItem(recipient, 'payments/db', service.signer('dev:bob')).item,
      signedItem(recipient, 'other/db', alice.signer('Alice')).item,
    ];
    expect(await ask(items)).toEqual(['ok', 'unsigned', 'untrusted_writer', 'bad_signature', 'writer_denied', 'ok', 'writer_denied', 'denied']);
    expect(audited.map((e) => [e.reason, e.writerKid, e.writer])).toEqual([
      ['ok', alice.key.kid, 'dev:alice'], // the registered subject, not the name the signature claims
      ['unsigned', undefined, undefined],
      ['untrusted_writer', mallory.key.kid, undefined],
      ['bad_signature', alice.key.kid, 'dev:alice'],
      ['writer_denied', bob.key.kid, 'dev:bob'],
      ['ok', service.key.kid, 'dev:carol'],
      ['writer_denied', service.key.kid, 'dev:bob'],
      ['denied', undefined, undefined],
    ]);
  });

  it('where they are not: unsigned and unknown writers pass, a known writer must still verify, write is not asked', async () => {
    const { ask } = setup();
    const good = signedItem(recipient, 'billing/db', alice.signer('Alice')).item;
    expect(
      await ask([
        signedItem(recipient, 'billing/db').item,
        { ...signedItem(recipient, 'billing/db').item, signed: undefined },
        signedItem(recipient, 'billing/db', mallory.signer('x')).item,
        moved(good, signedItem(recipient, 'billing/db').item),
        signedItem(recipient, 'billing/db', bob.signer('dev:bob')).item,
      ]),
    ).toEqual(['ok', 'ok', 'ok', 'bad_signature', 'ok']);
  });

  it('a signature moved to the wider binding of the same namespace is refused', async () => {
    const { ask } = setup();
    const good = signedItem(recipient, 'payments/db', alice.signer('Alice')).item;
    expect(await ask([{ ...good, scope: 'payments/*' }])).toEqual(['bad_signature']);
  });

  it('verifies a signature once: the next request sends the item to the worker bare, and a denied writer is refused without it', async () => {
    const { ask, seen, svc } = setup();
    const good = signedItem(recipient, 'payments/db', alice.signer('Alice')).item;
    const denied = signedItem(recipient, 'payments/db', bob.signer('dev:bob')).item;
    expect(await ask([good, denied])).toEqual(['ok', 'writer_denied']);
    expect(seen[0]!.map((i) => i.verify)).toEqual(['unwrap', 'only']);
    expect(await ask([good, denied])).toEqual(['ok', 'writer_denied']);
    expect(seen[1]).toEqual([{ kid: good.kid, alg: good.alg, enc: good.enc, dek: good.dek, scope: good.scope, docId: good.docId }]);
    const out = await svc.rewrap({ clientKey: b64url(x25519Ephemeral().publicKey), items: [denied] }, { caller: { subject: 'dev:reader', method: 'ed25519' }, requestId: 'r2' });
    expect(out.items[0]).toEqual({ ok: false, error: 'writer_denied', message: `the writer dev:bob (${bob.key.kid}) is not granted write on scope payments/db` });
  });
});
