/**
 * Worker thread of the UnwrapPool (unwrap-pool.ts): holds the org key
 * identities, unwraps DEK envelopes with the fastest checked ML-KEM backend
 * and re-seals each DEK to the caller, so DEKs never leave this thread in
 * the clear. Messages are handled one at a time, in the order they arrive.
 *
 * Bundled as its own entry point (dist/unwrap-worker.mjs); under tests it
 * runs from source through tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { b64url, fromB64url, wipe } from '../../core/bytes.js';
import { isGitsealError } from '../../core/errors.js';
import { identityFromSecret, isRecipientAlg } from '../../core/crypto/recipients/index.js';
import type { Identity, RecipientAlg } from '../../core/crypto/recipients/types.js';
import { sealForCaller } from '../../core/crypto/rewrap-seal.js';
import { loadDecapsulator, type BackendPreference, type KemBackend } from './kem-backend.js';
import type { RewrapItem, RewrapResult, WireCode } from '../protocol/types.js';

/** What the pool gives the worker at start. */
export interface WorkerInit {
  backend: BackendPreference;
}

/** Pool → worker. Secrets and the response key travel as transferred ArrayBuffers, wiped here after use. */
export type ToWorker =
  | { type: 'setKeys'; id: number; keys: { alg: RecipientAlg; secret: ArrayBuffer }[] }
  | { type: 'clearKeys'; id: number }
  | { type: 'rewrap'; id: number; base: number; items: RewrapItem[]; key: ArrayBuffer; nonces?: number[] };

/** Worker → pool. */
export type FromWorker =
  | { type: 'ready'; backend: string; fallbackReason?: string }
  | { type: 'done'; id: number }
  | { type: 'results'; id: number; results: RewrapResult[] }
  | { type: 'failed'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('unwrap-worker.ts runs only as a worker thread of UnwrapPool');

// Messages that arrive while the backend loads wait in the port: it starts with the listener at the end.
const init = workerData as WorkerInit | undefined;
const backend: KemBackend = await loadDecapsulator(init?.backend ?? 'auto');
let identities = new Map<string, Identity>();

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

/** Item `index` of the request (its global index: the nonce of the sealed DEK). */
function rewrapOne(item: unknown, index: number, key: Uint8Array): RewrapResult {
  if (identities.size === 0) return failure('root_revoked', 'the org key is not in memory');
  if (!isItem(item)) return failure('bad_request', 'an item needs the string fields kid, alg, enc, dek, scope and docId');
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
  }
}

port.on('message', (msg: ToWorker) => port.postMessage(handle(msg)));
const ready: FromWorker = { type: 'ready', backend: backend.name };
if (backend.fallbackReason !== undefined) ready.fallbackReason = backend.fallbackReason;
port.postMessage(ready);
