/**
 * The little HTTP client the authenticators need: JWKS and discovery GETs
 * and TokenReview POSTs, with a private CA (the cluster's), a timeout, a
 * size cap and no redirects. Node's global fetch cannot take a CA without
 * undici's Agent, so this speaks node:http(s) directly.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FetchImplementation } from 'jose';

export interface HttpOptions {
  /** PEM of the CA that signs the server's certificate; the system CAs when absent. */
  ca?: string;
  /** Aborts the request after this many milliseconds. */
  timeoutMs: number;
  /** Refuses answers longer than this (default 1 MiB). */
  maxBytes?: number;
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

const DEFAULT_MAX_BYTES = 1 << 20;

/**
 * One request, one answer; redirects are answers, not followed. Rejects
 * with a plain Error (never holding a header or body) on network failure,
 * timeout, abort or an oversized answer.
 */
export function send(
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Uint8Array; signal?: AbortSignal },
  opts: HttpOptions,
): Promise<HttpAnswer> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(new Error(`unsupported URL scheme ${url.protocol}`));
      return;
    }
    const options = {
      method: init.method,
      headers: init.body ? { ...init.headers, 'content-length': String(init.body.length) } : init.headers,
      timeout: opts.timeoutMs,
      ...(init.signal ? { signal: init.signal } : {}),
      ...(secure && opts.ca !== undefined ? { ca: opts.ca } : {}),
    };
    const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (n > maxBytes) {
          res.destroy();
          reject(new Error(`answer from ${url.host} is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', () => reject(new Error(`answer from ${url.host} broke off`)));
    });
    req.on('timeout', () => req.destroy(new Error(`${url.host} did not answer within ${opts.timeoutMs} ms`)));
    req.on('error', (e: Error) => reject(new Error(`cannot reach ${url.host}: ${e.message}`)));
    req.end(init.body);
  });
}

/** A fetch for jose's `createRemoteJWKSet` (its `[customFetch]` option) that trusts `opts.ca`. */
export function jwksFetch(opts: HttpOptions, extraHeaders: () => Record<string, string> = () => ({})): FetchImplementation {
  return async (url, init) => {
    const headers: Record<string, string> = { ...extraHeaders() };
    init.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const answer = await send(new URL(url), { method: 'GET', headers, signal: init.signal }, opts);
    const empty = answer.status === 204 || answer.status === 304 || answer.status < 200;
    return new Response(empty ? null : answer.body.toString('utf8'), { status: answer.status < 200 ? 502 : answer.status });
  };
}
