/**
 * A bare HTTP client for replaying recorded requests byte for byte: only
 * the headers given are sent (no User-Agent, so the server names the
 * field manager "unknown", as in the recording), and watch streams are
 * read line by line with how they ended.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface RawRequest {
  method: string;
  path: string;
  query: string;
  contentType?: string;
  accept?: string;
  body?: string;
}

export interface RawResponse {
  status: number;
  contentType: string;
  warning?: string;
  text: string;
}

export interface WatchStream {
  status: number;
  contentType: string;
  /** Each line received so far, parsed. */
  lines: unknown[];
  /** Resolves with how the stream ended: a clean end of the chunked response, or a dropped connection. */
  ended: Promise<'end' | 'aborted'>;
  /** Set (with the body) when the server refused the watch with a plain response. */
  refusal?: RawResponse;
  close(): void;
}

function open(base: string, r: RawRequest): Promise<IncomingMessage> {
  const headers: Record<string, string> = {};
  if (r.contentType) headers['Content-Type'] = r.contentType;
  if (r.accept) headers.Accept = r.accept;
  if (r.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(r.body));
  const url = new URL(`${r.path}${r.query ? `?${r.query}` : ''}`, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: r.method, headers, agent: false }, resolve);
    req.on('error', reject);
    req.end(r.body);
  });
}

function readAll(res: IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', reject);
    res.on('end', () => {
      const warning = res.headers.warning;
      resolve({
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'] ?? '',
        ...(warning !== undefined ? { warning: Array.isArray(warning) ? warning.join(', ') : warning } : {}),
        text: Buffer.concat(chunks).toString('utf8'),
      });
    });
  });
}

export async function send(base: string, r: RawRequest): Promise<RawResponse> {
  return readAll(await open(base, r));
}

/** Opens a watch; resolves once the response headers are in (the server has registered the watch). */
export async function watch(base: string, r: RawRequest): Promise<WatchStream> {
  const res = await open(base, r);
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    const refusal = await readAll(res);
    return { status, contentType: refusal.contentType, lines: [], ended: Promise.resolve('end'), refusal, close: () => undefined };
  }
  const lines: unknown[] = [];
  let buffered = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) lines.push(JSON.parse(line));
    }
  });
  const ended = new Promise<'end' | 'aborted'>((resolve) => {
    res.on('end', () => resolve('end'));
    res.on('aborted', () => resolve('aborted'));
    res.on('error', () => resolve('aborted'));
    res.on('close', () => resolve(res.complete ? 'end' : 'aborted'));
  });
  return { status, contentType: res.headers['content-type'] ?? '', lines, ended, close: () => res.destroy() };
}
