import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64url, fromB64url } from '../../core/bytes.js';
import { formatRecipient, generateIdentity } from '../../core/crypto/recipients/index.js';
import { verifyWriterSignature } from '../../core/crypto/writer-key.js';
import { signedItem, testWriter } from '../../test/helpers/signed-items.js';
import type { Identity, RecipientAlg } from '../../core/crypto/recipients/types.js';
import { clientResponseKey, openFromService, serverResponseKey } from '../../core/crypto/rewrap-seal.js';
import { x25519Ephemeral } from '../../core/crypto/recipients/x25519.js';
import type { RewrapItem, RewrapResult } from '../protocol/types.js';
import { UnwrapPool } from './unwrap-pool.js';
import type { WorkerItem } from './unwrap-worker.js';

interface Key {
  identity: Identity;
  secret: Uint8Array;
}
const newKey = (alg: RecipientAlg): Key => generateIdentity(alg);
const poolKey = (k: Key) => ({ alg: k.identity.alg, secret: k.secret.slice() });

/** A wrapped DEK as the client sends it, and the DEK it must get back. */
function makeItem(key: Key, scope = 'ns/app'): { item: RewrapItem; dek: Uint8Array } {
  const dek = new Uint8Array(randomBytes(32));
  const docId = new Uint8Array(randomBytes(16));
  const stanza = key.identity.recipient.wrap(dek, { scopeBinding: scope, docId });
  return { item: { kid: stanza.kid, alg: key.identity.alg, enc: stanza.enc, dek: stanza.dek, scope, docId: b64url(docId) }, dek };
}

/** The client side: a response key pair; `open` checks result i against the DEK that was wrapped. */
function client() {
  const eph = x25519Ephemeral();
  const { serverPublic, key } = serverResponseKey(eph.publicKey);
  const clientKey = clientResponseKey(eph.privateKey, eph.publicKey, serverPublic);
  const open = (r: RewrapResult | undefined, i: number, item: RewrapItem): Uint8Array | null => {
    if (!r?.ok) return null;
    return openFromService(clientKey, i, fromB64url(r.sealed, 'sealed'), { kid: item.kid, scope: item.scope, docId: item.docId });
  };
  return { key, open };
}

function expectAllOpen(results: RewrapResult[], batch: { item: RewrapItem; dek: Uint8Array }[], open: ReturnType<typeof client>['open']): void {
  expect(results).toHaveLength(batch.length);
  batch.forEach(({ item, dek }, i) => {
    expect(results[i], `item ${i}`).toMatchObject({ ok: true });
    expect(open(results[i], i, item), `item ${i}`).toEqual(dek);
  });
}

/** Replaces one byte of a base64url field. */
function flip(field: string, at: number): string {
  const bytes = fromB64url(field, 'field').slice();
  bytes[at]! ^= 0x01;
  return b64url(bytes);
}

const threadCount = (): number => readdirSync('/proc/self/task').length;

async function settleThreads(max: number): Promise<number> {
  for (let i = 0; i < 50 && threadCount() > max; i++) await new Promise((r) => setTimeout(r, 50));
  return threadCount();
}


/** The real worker, whose message handler throws (an uncaught exception in the worker) on an item with scope `crash`. */
function crashingWorker(dir: string): URL {
  const crashing = join(dir, 'crashing-worker.mts');
    writeFileSync(
      crashing,
      `import { parentPort } from 'node:worker_threads';\n` +
        `const on = parentPort.on.bind(parentPort);\n` +
        `parentPort.on = (event, handler) => on(event, (m) => {\n` +
        `  if (m.type === 'rewrap' && m.items.some((i) => i.scope === 'crash')) throw new Error('boom');\n` +
        `  handler(m);\n` +
        `});\n` +
        `await import(${JSON.stringify(new URL('./unwrap-worker.ts', import.meta.url).href)});\n`,
    );
  return pathToFileURL(crashing);
}

describe('UnwrapPool', () => {
  const hybrid = newKey('mlkem1024-x25519');
  const pq = newKey('mlkem1024');
  let pool: UnwrapPool;

  beforeAll(async () => {
    pool = await UnwrapPool.start({ threads: 2 });
    await pool.setKeys([poolKey(hybrid), poolKey(pq)]);
  });
  afterAll(() => pool.close());

  it('runs liboqs in its workers', () => {
    expect(pool.fallbackReason()).toBeUndefined();
    expect(pool.backend()).toBe('liboqs');
    expect(pool.threads()).toBe(2);
  });

  it('rewraps 1 item', async () => {
    const c = client();
    const batch = [makeItem(hybrid)];
    expectAllOpen(await pool.rewrap(batch.map((b) => b.item), c.key), batch, c.open);
  });

  it('rewraps 1,000 items of both key types, each sealed with its own global index', async () => {
    const c = client();
    const batch = Array.from({ length: 1000 }, (_, i) => makeItem(i % 5 === 0 ? pq : hybrid, i % 2 ? 'ns/*' : 'ns/app'));
    const results = await pool.rewrap(
      batch.map((b) => b.item),
      c.key,
    );
    expectAllOpen(results, batch, c.open);
    // A sealed DEK does not open at another index.
    expect(c.open(results[1], 0, batch[1]!.item)).toBeNull();
  });

  it('answers per item: unknown kid, tampered, wrong scope, malformed, while the other items succeed', async () => {
    const c = client();
    const good = Array.from({ length: 12 }, () => makeItem(hybrid));
    const other = newKey('mlkem1024-x25519');
    const items: RewrapItem[] = good.map((g) => ({ ...g.item }));
    const expected: (string | null)[] = items.map(() => null);
    const set = (i: number, item: RewrapItem, code: string) => {
      items[i] = item;
      expected[i] = code;
    };
    set(1, makeItem(other).item, 'unknown_kid');
    set(2, { ...good[2]!.item, dek: flip(good[2]!.item.dek, 5) }, 'tampered');
    set(3, { ...good[3]!.item, enc: flip(good[3]!.item.enc, 100) }, 'tampered'); // ML-KEM implicit rejection
    set(4, { ...good[4]!.item, scope: 'ns/other' }, 'tampered');
    set(5, { ...good[5]!.item, docId: b64url(new Uint8Array(randomBytes(16))) }, 'tampered');
    set(6, { ...good[6]!.item, docId: 'not base64url!' }, 'bad_request');
    set(7, { ...good[7]!.item, enc: good[7]!.item.enc.slice(0, -4) }, 'bad_request');
    set(8, { ...good[8]!.item, alg: 'mlkem1024' }, 'bad_request');
    // A low-order X25519 ephemeral key (all zeros) must not open, and must not crash the worker.
    const enc = fromB64url(good[9]!.item.enc, 'enc').slice();
    enc.fill(0, 1568);
    set(9, { ...good[9]!.item, enc: b64url(enc) }, 'tampered');
    set(10, { ...good[10]!.item, kid: 42 } as unknown as RewrapItem, 'bad_request');
    const results = await pool.rewrap(items, c.key);
    results.forEach((r, i) => {
      const code = expected[i];
      if (code === null) expect(c.open(r, i, items[i]!), `item ${i}`).toEqual(good[i]!.dek);
      else {
        expect(r, `item ${i}`).toMatchObject({ ok: false, error: code });
        expect(r.ok ? '' : r.message, `item ${i}`).not.toMatch(/[0-9a-f]{64}/);
      }
    });
  });

  it('serves many concurrent calls of different sizes, each under its own response key', async () => {
    const calls = Array.from({ length: 24 }, (_, j) => {
      const c = client();
      const batch = Array.from({ length: [1, 3, 70, 1, 200, 17][j % 6]! }, () => makeItem(j % 3 ? hybrid : pq));
      return { c, batch, results: pool.rewrap(batch.map((b) => b.item), c.key) };
    });
    for (const { c, batch, results } of calls) expectAllOpen(await results, batch, c.open);
  });

  it('returns [] for no items and refuses a response key of the wrong length', async () => {
    expect(await pool.rewrap([], client().key)).toEqual([]);
    await expect(pool.rewrap([makeItem(hybrid).item], new Uint8Array(31))).rejects.toThrow(RangeError);
  });

  it('clearKeys makes every item root_revoked; setKeys brings them back and replaces the previous keys', async () => {
    const c = client();
    // 16 items go out as two chunks at once, before the kill switch.
    const batch = Array.from({ length: 16 }, () => makeItem(hybrid));
    const items = batch.map((b) => b.item);
    const inFlight = pool.rewrap(items, c.key);
    await pool.clearKeys();
    expectAllOpen(await inFlight, batch, c.open);
    for (const r of await pool.rewrap(items, c.key)) expect(r).toMatchObject({ ok: false, error: 'root_revoked' });

    await pool.setKeys([poolKey(pq)]);
    for (const r of await pool.rewrap(items, c.key)) expect(r).toMatchObject({ ok: false, error: 'unknown_kid' });

    await pool.setKeys([poolKey(hybrid), poolKey(pq)]);
    expectAllOpen(await pool.rewrap(items, c.key), batch, c.open);
  });

  it('the kill switch also stops the chunks of a batch not yet handed to a worker', async () => {
    const c = client();
    const batch = Array.from({ length: 1000 }, () => makeItem(hybrid));
    const pending = pool.rewrap(
      batch.map((b) => b.item),
      c.key,
    );
    await pool.clearKeys();
    const results = await pending;
    let revoked = 0;
    results.forEach((r, i) => {
      if (r.ok) expect(c.open(r, i, batch[i]!.item)).toEqual(batch[i]!.dek);
      else {
        expect(r.error).toBe('root_revoked');
        revoked++;
      }
    });
    expect(revoked).toBeGreaterThan(0);
    await pool.setKeys([poolKey(hybrid), poolKey(pq)]);
  });

  it('takes Buffers (views of the shared Buffer pool) as keys and response key, and leaves them alone', async () => {
    const secrets = [Buffer.from(hybrid.secret), Buffer.from(pq.secret)];
    expect(secrets[0]!.buffer.byteLength).toBeGreaterThan(secrets[0]!.length); // pooled
    await pool.setKeys([
      { alg: hybrid.identity.alg, secret: secrets[0]! },
      { alg: pq.identity.alg, secret: secrets[1]! },
    ]);
    expect(secrets[0]!.equals(hybrid.secret)).toBe(true);
    const c = client();
    const key = Buffer.from(c.key);
    const batch = Array.from({ length: 20 }, (_, i) => makeItem(i % 2 ? hybrid : pq));
    expectAllOpen(await pool.rewrap(batch.map((b) => b.item), key), batch, c.open);
    expect(key.equals(c.key)).toBe(true);
  });

  it('setKeys refuses keys of the wrong length or type before sending anything', async () => {
    await expect(pool.setKeys([{ alg: 'mlkem1024', secret: new Uint8Array(63) }])).rejects.toThrow(RangeError);
    await expect(pool.setKeys([{ alg: 'rsa' as RecipientAlg, secret: new Uint8Array(64) }])).rejects.toThrow(TypeError);
    const c = client();
    const batch = [makeItem(hybrid)];
    expectAllOpen(await pool.rewrap(batch.map((b) => b.item), c.key), batch, c.open);
  });
});

describe('UnwrapPool life cycle', () => {
  const key = newKey('mlkem1024-x25519');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gitseal-unwrap-pool-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers unavailable before any keys are set', async () => {
    const pool = await UnwrapPool.start({ threads: 1, backend: 'noble' });
    try {
      expect(pool.backend()).toBe('noble');
      const c = client();
      const batch = [makeItem(key)];
      expect(await pool.rewrap(batch.map((b) => b.item), c.key)).toMatchObject([{ ok: false, error: 'unavailable' }]);
      await pool.setKeys([poolKey(key)]);
      expectAllOpen(await pool.rewrap(batch.map((b) => b.item), c.key), batch, c.open);
    } finally {
      await pool.close();
    }
  });

  it('a worker that crashes rejects the calls it had and is replaced, with the keys', async () => {
    const pool = await UnwrapPool.start({ threads: 2, workerUrl: crashingWorker(dir) });
    try {
      await pool.setKeys([poolKey(key)]);
      const c = client();
      const batch = Array.from({ length: 300 }, () => makeItem(key));
      const items = batch.map((b) => b.item);
      const bomb = { ...items[0]!, scope: 'crash' };
      const [crashed, big] = await Promise.allSettled([pool.rewrap([bomb], c.key), pool.rewrap(items, c.key)]);
      expect(crashed.status).toBe('rejected');
      expect((crashed as PromiseRejectedResult).reason).toBeInstanceOf(Error);
      expect(String((crashed as PromiseRejectedResult).reason.message)).toMatch(/unwrap worker stopped/);
      // The big batch either finished on the other worker or lost a chunk with the crashed one.
      if (big.status === 'fulfilled') expectAllOpen(big.value, batch, c.open);
      else expect(big.reason).toBeInstanceOf(Error);

      expect(pool.threads()).toBe(2);
      expectAllOpen(await pool.rewrap(items, c.key), batch, c.open);
      // Again, to be sure the replacement itself works and holds the keys.
      await expect(pool.rewrap([bomb], c.key)).rejects.toThrow(Error);
      expectAllOpen(await pool.rewrap(items, c.key), batch, c.open);
    } finally {
      await pool.close();
    }
  });

  it('close() terminates every worker thread, rejects what is pending and refuses new calls', async () => {
    const before = threadCount();
    const pool = await UnwrapPool.start({ threads: 2 });
    expect(threadCount()).toBeGreaterThanOrEqual(before + 2);
    await pool.setKeys([poolKey(key)]);
    const c = client();
    const pending = expect(
      pool.rewrap(
        Array.from({ length: 400 }, () => makeItem(key).item),
        c.key,
      ),
    ).rejects.toThrow(/closed/);
    await pool.close();
    await pending;
    expect(pool.threads()).toBe(0);
    expect(await settleThreads(before)).toBeLessThanOrEqual(before);
    await expect(pool.rewrap([], c.key)).rejects.toThrow(/closed/);
    await expect(pool.setKeys([])).rejects.toThrow(/closed/);
    await pool.close();
  });

  it('start() rejects, leaving no thread, when the worker script cannot run', async () => {
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, `throw new Error('cannot start');\n`);
    const before = threadCount();
    await expect(UnwrapPool.start({ threads: 2, workerUrl: pathToFileURL(broken) })).rejects.toThrow(/cannot start/);
    expect(await settleThreads(before)).toBeLessThanOrEqual(before);
  });
});

describe('UnwrapPool writer signatures', () => {
  const key = newKey('mlkem1024-x25519');
  const recipient = formatRecipient(key.identity.recipient);
  const alice = testWriter();
  const service = testWriter();
  const stranger = testWriter();
  let pool: UnwrapPool;

  beforeAll(async () => {
    pool = await UnwrapPool.start({ threads: 2 });
    await pool.setKeys([poolKey(key)]);
    await pool.setWriters([alice.key, service.key]);
  });
  afterAll(() => pool.close());

  it('verifies before it unwraps: a good signature opens, a moved or unknown one is bad_signature, a denied writer is writer_denied', async () => {
    const c = client();
    const good = signedItem(recipient, 'ns/app', alice.signer('alice'));
    const other = signedItem(recipient, 'ns/app', alice.signer('alice'));
    const moved: WorkerItem = { ...other.item, signed: { ...other.item.signed!, signature: good.item.signed!.signature! }, verify: 'unwrap' };
    const unknown = signedItem(recipient, 'ns/app', stranger.signer('alice'));
    const denied = signedItem(recipient, 'ns/app', service.signer('dev:bob'));
    const items: WorkerItem[] = [
      { ...good.item, verify: 'unwrap' },
      moved,
      { ...unknown.item, verify: 'unwrap' },
      { ...denied.item, verify: 'only' },
      { ...moved, verify: 'only' },
      unknown.item, // not asked to verify: the main thread decided it needs no check
    ];
    const results = await pool.rewrap(items, c.key);
    expect(c.open(results[0], 0, good.item)).toEqual(good.dek);
    expect(results.slice(1, 5).map((r) => (r.ok ? 'ok' : r.error))).toEqual(['bad_signature', 'bad_signature', 'writer_denied', 'bad_signature']);
    expect(c.open(results[5], 5, unknown.item)).toEqual(unknown.dek);
  });

  it('signs with the writer key it was given, in order, over every worker; refuses without one', async () => {
    await expect(pool.sign([new Uint8Array(3)])).rejects.toThrow(/no writer key/);
    await expect(pool.setSigner(new Uint8Array(63))).rejects.toThrow(RangeError);
    await pool.setSigner(service.secret.slice());
    const messages = Array.from({ length: 5 }, () => new Uint8Array(randomBytes(40)));
    const signatures = await pool.sign(messages);
    expect(signatures).toHaveLength(5);
    signatures.forEach((sig, i) => expect(verifyWriterSignature(service.key, messages[i]!, sig), `message ${i}`).toBe(true));
    expect(verifyWriterSignature(service.key, messages[1]!, signatures[0]!)).toBe(false);
    expect(await pool.sign([])).toEqual([]);
    await pool.setSigner(null);
    await expect(pool.sign(messages)).rejects.toThrow(/no writer key/);
  });

  it('a worker that replaces a dead one gets the writer keys and the signer too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitseal-unwrap-pool-'));
    const one = await UnwrapPool.start({ threads: 1, workerUrl: crashingWorker(dir) });
    try {
      await one.setKeys([poolKey(key)]);
      await one.setWriters([alice.key]);
      await one.setSigner(service.secret.slice());
      const c = client();
      await expect(one.rewrap([{ ...makeItem(key).item, scope: 'crash' }], c.key)).rejects.toThrow(/unwrap worker stopped/);
      for (let i = 0; i < 100 && one.threads() === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const good = signedItem(recipient, 'ns/app', alice.signer('alice'));
      const [r] = await one.rewrap([{ ...good.item, verify: 'unwrap' }], c.key);
      expect(c.open(r, 0, good.item)).toEqual(good.dek);
      const [sig] = await one.sign([new Uint8Array([1, 2, 3])]);
      expect(verifyWriterSignature(service.key, new Uint8Array([1, 2, 3]), sig!)).toBe(true);
    } finally {
      await one.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
