/**
 * Worker thread of the UnwrapPool (unwrap-pool.ts): holds the org key
 * identities, unwraps DEK envelopes with the fastest checked ML-KEM backend
 * and re-seals each DEK to the caller, so DEKs never leave this thread in
 * the clear. It also verifies documents' writer signatures before unwrapping
 * them, and signs for the service with its writer key (POST /v1/sign), so
 * the slow ML-DSA work runs here, off the main thread. Messages are handled
 * one at a time, in the order they arrive.
 *
 * Bundled as its own entry point (dist/unwrap-worker.mjs); under tests it
 * runs from source through tsx.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { b64url, fromB64url, wipe } from '../../core/bytes.js';
import { isGitsealError } from '../../core/errors.js';
import { identityFromSecret, isRecipientAlg } from '../../core/crypto/recipients/index.js';
import type { Identity, RecipientAlg } from '../../core/crypto/recipients/types.js';
import { sealForCaller } from '../../core/crypto/rewrap-seal.js';
import { writerFromSecret, type WriterPublic, type WriterSigner } from '../../core/crypto/writer-key.js';
import { itemSignatureVerifies } from './item-signature.js';
import { loadDecapsulator, type BackendPreference, type KemBackend } from './kem-backend.js';
import type { RewrapItem, RewrapResult, WireCode } from '../protocol/types.js';

/** What the pool gives the worker at start. */
export interface WorkerInit {
  backend: BackendPreference;
}

/**
 * A rewrap item as the pool hands it over. `verify`: check the writer's
 * signature first (bad_signature when it fails), then unwrap, or, for
 * 'only', answer writer_denied without unwrapping (writer-check.ts).
 */
export type WorkerItem = RewrapItem & { verify?: 'unwrap' | 'only' };

/** Pool → worker. Secrets and the response key travel as transferred ArrayBuffers, wiped here after use. */
export type ToWorker =
  | { type: 'setKeys'; id: number; keys: { alg: RecipientAlg; secret: ArrayBuffer }[] }
  | { type: 'clearKeys'; id: number }
  | { type: 'setWriters'; id: number; writers: WriterPublic[] }
  | { type: 'setSigner'; id: number; secret: ArrayBuffer | null }
  | { type: 'sign'; id: number; messages: Uint8Array[] }
  | { type: 'rewrap'; id: number; base: number; items: WorkerItem[]; key: ArrayBuffer; nonces?: number[] };

/** Worker → pool. */
export type FromWorker =
  | { type: 'ready'; backend: string; fallbackReason?: string }
  | { type: 'done'; id: number }
  | { type: 'results'; id: number; results: RewrapResult[] }
  | { type: 'signatures'; id: number; signatures: Uint8Array[] }
  | { type: 'failed'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('unwrap-worker.ts runs only as a worker thread of UnwrapPool');

const init = workerData as WorkerInit | undefined;
/** Set by start() before any message is handled. */
let backend: KemBackend;
let identities = new Map<string, Identity>();
let writers = new Map<string, WriterPublic>();
let signer: WriterSigner | null = null;

function dropKeys(): void {
  for (const identity of identities.values()) identity.wipe?.();
  identities = new Map();
}

function setKeys(keys: { alg: RecipientAlg; secret: ArrayBuffer }[]): void {
  const next = new Map<string, Identity>();
  try {
    for (const k of keys) {
      const secret = new Uint8Array(k.secret);
      try {
        if (!isRecipientAlg(k.alg)) throw new TypeError('unknown key type');
        const identity = identityFromSecret(k.alg, secret, backend.identityOptions);
        next.set(identity.kid, identity);
      } finally {
        wipe(secret);
      }
    }
  } catch (e) {
    for (const identity of next.values()) identity.wipe?.();
    throw e;
  }
  dropKeys();
  identities = next;
}

const failure = (error: WireCode, message: string): RewrapResult => ({ ok: false, error, message });

const isItem = (x: unknown): x is RewrapItem =>
  typeof x === 'object' &&
  x !== null &&
  ['kid', 'alg', 'enc', 'dek', 'scope', 'docId'].every((f) => typeof (x as Record<string, unknown>)[f] === 'string');

function setSigner(secretBuffer: ArrayBuffer | null): void {
  if (secretBuffer === null) {
    signer = null;
    return;
  }
  const secret = new Uint8Array(secretBuffer);
  try {
    signer = writerFromSecret(secret);
  } finally {
    wipe(secret);
  }
}

function sign(messages: Uint8Array[]): Uint8Array[] {
  if (!signer) throw new Error('this worker has no writer key');
  const s = signer;
  return messages.map((m) => s.sign(m));
}

/** Item `index` of the request (its global index: the nonce of the sealed DEK). */
function rewrapOne(item: unknown, index: number, key: Uint8Array): RewrapResult {
  if (identities.size === 0) return failure('root_revoked', 'the org key is not in memory');
  if (!isItem(item)) return failure('bad_request', 'an item needs the string fields kid, alg, enc, dek, scope and docId');
  const verify = (item as WorkerItem).verify;
  if (verify !== undefined) {
    if (!itemSignatureVerifies(item, writers)) return failure('bad_signature', 'the signature does not verify: the document or its signature was changed or moved');
    if (verify === 'only') return failure('writer_denied', 'the writer is not granted write on this scope');
  }
  const identity = identities.get(item.kid);
  if (!identity) return failure('unknown_kid', 'the service has no key with this kid');
  let dek: Uint8Array | null;
  try {
    const docId = fromB64url(item.docId, 'the docId');
    dek = identity.unwrap(item, { scopeBinding: item.scope, docId });
  } catch (e) {
    if (isGitsealError(e, 'E_FORMAT')) return failure('bad_request', e.message);
    if (isGitsealError(e, 'E_TAMPERED')) return failure('tampered', 'the key envelope does not open for this scope and document');
    return failure('internal', 'the key envelope could not be unwrapped');
  }
  if (dek === null) return failure('bad_request', `the key ${identity.kid} is of type ${identity.alg}, not the alg the item names`);
  try {
    return { ok: true, sealed: b64url(sealForCaller(key, index, dek, { kid: item.kid, scope: item.scope, docId: item.docId })) };
  } finally {
    wipe(dek);
  }
}

/** Item j is sealed under nonce `nonces[j]` (its place in the caller's request), or `base + j`. */
function rewrap(items: unknown[], base: number, keyBuffer: ArrayBuffer, nonces: unknown): RewrapResult[] {
  const key = new Uint8Array(keyBuffer);
  const at = (j: number): number => (Array.isArray(nonces) && Number.isInteger(nonces[j]) ? (nonces[j] as number) : base + j);
  try {
    return items.map((item, j) => rewrapOne(item, at(j), key));
  } finally {
    wipe(key);
  }
}

function handle(msg: ToWorker): FromWorker {
  switch (msg.type) {
    case 'rewrap':
      return { type: 'results', id: msg.id, results: rewrap(msg.items, msg.base, msg.key, msg.nonces) };
    case 'setKeys':
      try {
        setKeys(msg.keys);
      } catch (e) {
        // RangeError / TypeError messages name lengths and types, never the bytes.
        return { type: 'failed', id: msg.id, message: e instanceof Error ? e.message : 'the keys were refused' };
      }
      return { type: 'done', id: msg.id };
    case 'clearKeys':
      dropKeys();
      return { type: 'done', id: msg.id };
    case 'setWriters':
      writers = new Map(msg.writers.map((w) => [w.kid, w]));
      return { type: 'done', id: msg.id };
    case 'setSigner':
      try {
        setSigner(msg.secret);
      } catch (e) {
        return { type: 'failed', id: msg.id, message: e instanceof Error ? e.message : 'the writer key was refused' };
      }
      return { type: 'done', id: msg.id };
    case 'sign':
      try {
        return { type: 'signatures', id: msg.id, signatures: sign(msg.messages) };
      } catch (e) {
        return { type: 'failed', id: msg.id, message: e instanceof Error ? e.message : 'signing failed' };
      }
  }
}

// Not top-level await: the single executable (build-binary.mjs) runs a CommonJS bundle of this file.
// Messages that arrive while the backend loads wait in the port: it starts with the listener.
async function start(port: MessagePort): Promise<void> {
  backend = await loadDecapsulator(init?.backend ?? 'auto');
  port.on('message', (msg: ToWorker) => port.postMessage(handle(msg)));
  const ready: FromWorker = { type: 'ready', backend: backend.name };
  if (backend.fallbackReason !== undefined) ready.fallbackReason = backend.fallbackReason;
  port.postMessage(ready);
}

// A backend that fails to load is an unhandled rejection: the worker exits with it, as the pool expects.
void start(port);
