/** HTTP plumbing: reading bodies, writing JSON and Status, and parsing resource paths. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type Obj } from './errors.js';
import type { Catalog } from './resources.js';
import { toWire } from './wire.js';
import { toYaml } from './yaml-wire.js';

const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether the client asked for YAML before JSON. */
function wantsYaml(res: ServerResponse): boolean {
  const accept = res.req?.headers.accept ?? '';
  const first = accept.split(',').map(mediaType).find((t) => ['application/json', 'application/yaml', '*/*', 'application/*'].includes(t));
  return first === 'application/yaml';
}

/** Writes a response body in the apiserver's key order, as JSON (or YAML when the client asked for it). */
export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const yaml = wantsYaml(res);
  const text = yaml ? toYaml(toWire(body)) : JSON.stringify(toWire(body));
  res.writeHead(code, { 'Content-Type': yaml ? 'application/yaml' : 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  const headers: Record<string, string> = {};
  const retry = err.details?.retryAfterSeconds;
  if (retry !== undefined) headers['Retry-After'] = String(retry);
  sendJson(res, err.code, err.status(), headers);
}

/** The media type without parameters, lowercased. */
export const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

export interface ResourcePath {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
  /** The legacy /watch/ path prefix was used. */
  watchPrefix: boolean;
}

/** Parses /api/v1/... and /apis/{g}/{v}/...; undefined for discovery and non-resource paths. */
export function parseResourcePath(pathname: string, catalog: Catalog): ResourcePath | undefined {
  const seg = pathname
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 3) {
    group = '';
    version = seg[1] as string;
    rest = seg.slice(2);
  } else if (seg[0] === 'apis' && seg.length >= 4) {
    group = seg[1] as string;
    version = seg[2] as string;
    rest = seg.slice(3);
  } else return undefined;
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  const base = { group, version, watchPrefix };
  if (rest[0] === 'namespaces' && rest.length >= 3 && catalog.find(group, version, rest[2] as string)?.namespaced) {
    if (rest.length > 5) return undefined;
    return { ...base, namespace: rest[1], plural: rest[2] as string, ...(rest[3] ? { name: rest[3] } : {}), ...(rest[4] ? { subresource: rest[4] } : {}) };
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  return { ...base, plural: rest[0] as string, ...(rest[1] ? { name: rest[1] } : {}), ...(rest[2] ? { subresource: rest[2] } : {}) };
}

export const isObjBody = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
