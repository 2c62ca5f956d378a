/**
 * A recorded request as the double must receive it: redacted values put
 * back (timestamps become now, a "<uid>" in the object's own metadata
 * becomes the object's uid in the double, abbreviated base64 is expanded)
 * and recorded resourceVersions (query, continue tokens, body) translated.
 */
import { isObj } from '../schema.js';
import { nowTime } from '../values.js';
import type { RawRequest } from './client.js';
import type { RecordedRequest } from './recording.js';
import type { RvMap } from './rv-map.js';

export interface Translation {
  rv: RvMap;
  /** The double's current resourceVersion. */
  now: number;
  /** The uid of the object at a resource path in the double, if it exists. */
  uidAt(path: string): Promise<string | undefined>;
}

const ABBREVIATED = /^<base64 of (\d+) bytes(?: of "(.)")?>$/;

function expand(v: unknown): unknown {
  if (typeof v === 'string') {
    if (v === '<time>') return nowTime();
    const m = ABBREVIATED.exec(v);
    return m ? Buffer.alloc(Number(m[1]), m[2] ?? 'a').toString('base64') : v;
  }
  if (Array.isArray(v)) return v.map(expand);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
  return v;
}

function translateContinue(token: string, t: Translation): string {
  try {
    const o: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!isObj(o) || typeof o.rv !== 'number') return token;
    const rv = Number(t.rv.toDouble(String(o.rv), t.now));
    return Buffer.from(JSON.stringify({ ...o, rv })).toString('base64url');
  } catch {
    return token;
  }
}

function translateQuery(query: string, t: Translation): string {
  const q = new URLSearchParams(query);
  if (!q.has('resourceVersion') && !q.has('continue')) return query;
  const rv = q.get('resourceVersion');
  if (rv) q.set('resourceVersion', t.rv.toDouble(rv, t.now));
  const token = q.get('continue');
  if (token) q.set('continue', translateContinue(token, t));
  return q.toString();
}

async function translateBody(r: RecordedRequest, t: Translation): Promise<string | undefined> {
  if (r.body === null || r.body === undefined) return undefined;
  if (typeof r.body === 'string') return r.body;
  const body = expand(r.body);
  const meta = isObj(body) && isObj(body.metadata) ? body.metadata : undefined;
  if (meta && typeof meta.resourceVersion === 'string') meta.resourceVersion = t.rv.toDouble(meta.resourceVersion, t.now);
  if (meta && meta.uid === '<uid>') {
    const uid = await t.uidAt(r.path);
    if (uid) meta.uid = uid;
  }
  return JSON.stringify(body);
}

export async function toDoubleRequest(r: RecordedRequest, t: Translation): Promise<RawRequest> {
  const body = await translateBody(r, t);
  return {
    method: r.method,
    path: r.path,
    query: r.query ? translateQuery(r.query, t) : '',
    ...(r.contentType ? { contentType: r.contentType } : {}),
    ...(r.accept ? { accept: r.accept } : {}),
    ...(body !== undefined ? { body } : {}),
  };
}
