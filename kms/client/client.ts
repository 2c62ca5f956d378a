/**
 * The rewrap client (docs/ARCHITECTURE.md#the-rewrap-service), used by the
 * CLI when GITSEAL_SERVER is set and by the controller: a kept-alive TLS 1.3
 * connection pool, batches of at most MAX_BATCH items, timeouts, and retries
 * with full jitter on transient failures. Each request has its own ephemeral
 * X25519 key; DEKs are opened here and never cross the wire in the clear.
 */
import type { KeyObject } from 'node:crypto';
import { Agent, request } from 'node:https';
import { b64url, fromB64url } from '../../core/bytes.js';
import { fail, GitsealError, type ErrorCode } from '../../core/errors.js';
import { x25519Ephemeral } from '../../core/crypto/recipients/x25519.js';
import { clientResponseKey, openFromService } from '../../core/crypto/rewrap-seal.js';
import { signRequest } from '../auth/request-signature.js';
import { AcceptedSignatures } from './accepted-signatures.js';
import type { PublicOrgKey, PublicWriterKey, RecipientAnswer, SignItem } from '../protocol/types.js';
import { parseRecipientAnswer, parseRewrapResponse, parseSignResponse, parseWireError, parseWriterKeyOf } from '../protocol/parse.js';
import { MAX_BATCH, type RewrapItem, type WireCode } from '../protocol/types.js';

export interface RewrapClientOptions {
  /** https://host:port of the service. */
  server: string;
  /** CA bundle that signed the service's certificate (default: the system's). */
  ca?: string | Buffer;
  /** Client certificate and key for mTLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** A bearer token (service-account or OIDC), read fresh for each request so rotated projected tokens are picked up. */
  token?: () => string;
  /** A developer key that signs each request. */
  signingKey?: { keyId: string; privateKey: KeyObject };
  timeoutMs?: number;
  /** Attempts after the first for network errors, 429 and 5xx. */
  retries?: number;
  batchSize?: number;
}

export type UnwrapResult = { ok: true; dek: Uint8Array } | { ok: false; code: ErrorCode; wire: WireCode; message: string };

/** A document the service signed (`signature` is the envelope's field), or why it did not. */
export type SignOutcome = { ok: true; signature: string } | { ok: false; code: ErrorCode; wire: WireCode; message: string };

/** Documents per POST /v1/sign: an ML-DSA-65 signature takes ~10 ms in @noble/post-quantum, so a full batch of 1000 would outlast the timeout. */
const SIGN_BATCH = 100;

/** Per-item and per-request wire codes as the CLI's error codes. */
const ERROR_OF: Record<WireCode, ErrorCode> = {
  bad_request: 'E_SERVER',
  too_large: 'E_SERVER',
  too_many_items: 'E_SERVER',
  unauthenticated: 'E_AUTH',
  denied: 'E_DENIED',
  unknown_kid: 'E_NO_KEY',
  key_revoked: 'E_KEY_REVOKED',
  tampered: 'E_TAMPERED',
  unsigned: 'E_UNSIGNED',
  untrusted_writer: 'E_UNTRUSTED_WRITER',
  bad_signature: 'E_TAMPERED',
  writer_denied: 'E_DENIED',
  signature_needed: 'E_SERVER',
  root_revoked: 'E_ROOT_REVOKED',
  rate_limited: 'E_RATE_LIMITED',
  timeout: 'E_SERVER',
  not_found: 'E_SERVER',
  method_not_allowed: 'E_SERVER',
  unavailable: 'E_SERVER',
  internal: 'E_SERVER',
};

/** A failed request as a whole; `retryable` says whether trying again may help. */
class RequestFailure extends GitsealError {
  constructor(code: ErrorCode, message: string, readonly retryable: boolean, readonly retryAfterMs?: number) {
    super(code, message);
  }
}

const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RewrapClient {
  readonly #agent: Agent;
  readonly #base: URL;
  readonly #timeout: number;
  readonly #retries: number;
  readonly #batch: number;
  readonly #accepted = new AcceptedSignatures();

  constructor(private readonly opts: RewrapClientOptions) {
    try {
      this.#base = new URL(opts.server);
    } catch {
      fail('E_USAGE', `GITSEAL_SERVER is not a URL: expected https://host:port`);
    }
    if (this.#base.protocol !== 'https:') fail('E_USAGE', `the rewrap service must be reached over https, not ${this.#base.protocol}`);
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: 8,
      minVersion: 'TLSv1.3',
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert && opts.key ? { cert: opts.cert, key: opts.key } : {}),
    });
    this.#timeout = opts.timeoutMs ?? 10_000;
    this.#retries = opts.retries ?? 3;
    this.#batch = Math.min(opts.batchSize ?? MAX_BATCH, MAX_BATCH);
  }

  /** The service's org keys and their states. */
  async keys(): Promise<PublicOrgKey[]> {
    const body = await this.#call('GET', '/v1/keys');
    const keys = (body as { keys?: unknown }).keys;
    if (!Array.isArray(keys)) fail('E_SERVER', 'the rewrap service answered /v1/keys with an unexpected body');
    return keys as PublicOrgKey[];
  }

  /** The active org key's recipient, as the service states it (GET /v1/recipient, no credential needed). Throws E_SERVER for an answer that is not one. */
  async recipient(): Promise<RecipientAnswer> {
    const body = await this.#call('GET', '/v1/recipient');
    try {
      return parseRecipientAnswer(body);
    } catch {
      return fail('E_SERVER', 'the rewrap service answered /v1/recipient with an unexpected body');
    }
  }

  /** The service's own writer key (to trust with `signsFor`), or null when it has none. */
  async writerKey(): Promise<PublicWriterKey | null> {
    try {
      return parseWriterKeyOf(await this.#call('GET', '/v1/keys'));
    } catch (e) {
      if (e instanceof GitsealError) throw e;
      return fail('E_SERVER', 'the rewrap service answered /v1/keys with an unexpected writer');
    }
  }

  /**
   * Has the service sign documents for the caller, who needs `write` on each
   * document's scope; one outcome per item, in order. A failed request throws.
   */
  async sign(items: readonly SignItem[]): Promise<SignOutcome[]> {
    const batches: Promise<SignOutcome[]>[] = [];
    for (let i = 0; i < items.length; i += SIGN_BATCH) batches.push(this.#signBatch(items.slice(i, i + SIGN_BATCH)));
    return (await Promise.all(batches)).flat();
  }

  async rotate(): Promise<PublicOrgKey> {
    return ((await this.#call('POST', '/v1/keys/rotate', {})) as { key: PublicOrgKey }).key;
  }

  async revoke(kid: string): Promise<PublicOrgKey> {
    return ((await this.#call('POST', `/v1/keys/${encodeURIComponent(kid)}/revoke`, {})) as { key: PublicOrgKey }).key;
  }

  async destroy(kid: string): Promise<PublicOrgKey> {
    return ((await this.#call('POST', `/v1/keys/${encodeURIComponent(kid)}/destroy`, {})) as { key: PublicOrgKey }).key;
  }

  /**
   * DEKs for every item, in order; a per-item refusal is a result, a failed request throws.
   * A signature the service accepted before is named, not sent (accepted-signatures.ts); one it
   * no longer knows is sent again in a second request.
   */
  async unwrapSettled(items: readonly RewrapItem[]): Promise<UnwrapResult[]> {
    const sent = items.map((item) => this.#accepted.compact(item));
    const results = await this.#inBatches(sent);
    const again = results.flatMap((r, i) => (!r.ok && r.wire === 'signature_needed' && sent[i] !== items[i] ? [i] : []));
    if (again.length) {
      for (const i of again) this.#accepted.forget(items[i]!);
      const retried = await this.#inBatches(again.map((i) => items[i]!));
      again.forEach((i, k) => (results[i] = retried[k]!));
    }
    results.forEach((r, i) => {
      if (r.ok) this.#accepted.accepted(items[i]!);
    });
    return results;
  }

  async #inBatches(items: readonly RewrapItem[]): Promise<UnwrapResult[]> {
    const batches: Promise<UnwrapResult[]>[] = [];
    for (let i = 0; i < items.length; i += this.#batch) batches.push(this.#rewrapBatch(items.slice(i, i + this.#batch)));
    return (await Promise.all(batches)).flat();
  }

  /** DEKs for every item, in order; throws the first item's refusal as a GitsealError. */
  async unwrap(items: readonly RewrapItem[]): Promise<Uint8Array[]> {
    const results = await this.unwrapSettled(items);
    return results.map((r) => (r.ok ? r.dek : fail(r.code, r.message)));
  }

  close(): void {
    this.#agent.destroy();
  }

  async #signBatch(items: SignItem[]): Promise<SignOutcome[]> {
    const body = await this.#call('POST', '/v1/sign', { items: items.map(({ scope, docId, signed }) => ({ scope, docId, signed: { mode: signed.mode, file: signed.file, after: signed.after, last: signed.last, mac: signed.mac } })) });
    let answer;
    try {
      answer = parseSignResponse(body, items.length);
    } catch (e) {
      return fail('E_SERVER', `the rewrap service answered wrongly: ${(e as Error).message}`);
    }
    return answer.map((r): SignOutcome => (r.ok ? r : { ok: false, code: ERROR_OF[r.error], wire: r.error, message: `rewrap service: ${r.message}` }));
  }

  async #rewrapBatch(items: RewrapItem[]): Promise<UnwrapResult[]> {
    const eph = x25519Ephemeral();
    const body = await this.#call('POST', '/v1/rewrap', { clientKey: b64url(eph.publicKey), items });
    let answer;
    try {
      answer = parseRewrapResponse(body, items.length);
    } catch (e) {
      return fail('E_SERVER', `the rewrap service answered wrongly: ${(e as Error).message}`);
    }
    const key = clientResponseKey(eph.privateKey, eph.publicKey, fromB64url(answer.serverKey, 'serverKey'));
    try {
      return answer.items.map((r, i): UnwrapResult => {
        if (!r.ok) return { ok: false, code: ERROR_OF[r.error], wire: r.error, message: `rewrap service: ${r.message}` };
        const item = items[i]!;
        const dek = openFromService(key, i, fromB64url(r.sealed, 'sealed'), { kid: item.kid, scope: item.scope, docId: item.docId });
        return dek ? { ok: true, dek } : { ok: false, code: 'E_SERVER', wire: 'internal', message: 'a DEK from the rewrap service does not open: the answer was altered' };
      });
    } finally {
      key.fill(0);
    }
  }

  async #call(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<unknown> {
    const body = payload === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(payload));
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(method, path, body);
      } catch (e) {
        if (!(e instanceof RequestFailure) || !e.retryable || attempt >= this.#retries) throw e instanceof RequestFailure ? new GitsealError(e.code, e.message) : e;
        const backoff = Math.min(5_000, 100 * 2 ** attempt);
        await sleep(e.retryAfterMs ?? Math.random() * backoff);
      }
    }
  }

  #headers(method: string, path: string, body: Buffer): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body.length) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    }
    const token = this.opts.token?.();
    if (token) headers['authorization'] = `Bearer ${token}`;
    else if (this.opts.signingKey)
      headers['authorization'] = signRequest({ method, path, body, keyId: this.opts.signingKey.keyId, privateKey: this.opts.signingKey.privateKey, now: Date.now() });
    return headers;
  }

  #once(method: 'GET' | 'POST', path: string, body: Buffer): Promise<unknown> {
    const url = new URL(path, this.#base);
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent: this.#agent, headers: this.#headers(method, url.pathname + url.search, body), timeout: this.#timeout }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => reject(new RequestFailure('E_SERVER', `the rewrap service at ${this.#base.host} closed the connection`, true)));
        res.on('end', () => {
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            /* a non-JSON body is reported below */
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(parsed);
          const { error, message } = parseWireError(parsed);
          const retryAfter = Number(res.headers['retry-after']);
          const retryable = status === 429 || status === 502 || status === 504 || (status === 503 && error !== 'root_revoked');
          reject(new RequestFailure(ERROR_OF[error], `rewrap service: ${message}`, retryable, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined));
        });
      });
      req.on('timeout', () => req.destroy(new RequestFailure('E_SERVER', `the rewrap service at ${this.#base.host} did not answer within ${this.#timeout} ms`, true)));
      req.on('error', (e) => {
        if (e instanceof RequestFailure) return reject(e);
        const code = (e as NodeJS.ErrnoException).code ?? 'ECONNRESET';
        // A certificate the CA does not vouch for will not get better by asking again.
        reject(new RequestFailure('E_SERVER', `cannot reach the rewrap service at ${this.#base.host}: ${code}`, TRANSIENT.has(code)));
      });
      req.end(body);
    });
  }
}

