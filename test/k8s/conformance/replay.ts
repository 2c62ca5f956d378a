/**
 * Replays one recording against a fresh API double: its setup (plan),
 * then every exchange in order, each request translated and its response
 * compared with the recorded one. Returns one outcome per exchange.
 */
import { parse as parseYaml } from 'yaml';
import { startApiDouble, type ApiDouble } from '../api-double.js';
import { isObj } from '../schema.js';
import { send, watch, type RawResponse } from './client.js';
import { compareBodies, type CompareContext } from './compare.js';
import { replayKubectl } from './kubectl.js';
import { isWatch, loadRecording, type Exchange, type Recording } from './recording.js';
import { toDoubleRequest, type Translation } from './request.js';
import { RvMap } from './rv-map.js';
import type { Action, Plan, Step, Write } from './scenarios.js';
import { compareWatch } from './watch-compare.js';

export interface Outcome {
  index: number;
  request: string;
  skipped?: string;
  diffs: string[];
}

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
/**
 * The CRD the recordings were made with: the body crd-install.json POSTed. The committed CRD has grown since
 * (envelope fields the recorded objects do not have are required now); README.md says what differs.
 */
function recordedCrd(): unknown {
  const post = loadRecording('crd-install').exchanges.find((x) => x.request.method === 'POST' && x.request.path === CRD_PATH);
  if (!post) throw new Error('crd-install.json has no POST of the CRD');
  return post.request.body;
}
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** How long a watch may take beyond its own timeoutSeconds before the replay gives up on it. */
const WATCH_GRACE_MS = 15_000;

const describe = (x: Exchange): string => `${x.request.method} ${x.request.path}${x.request.query ? `?${x.request.query}` : ''}`;

async function write(api: ApiDouble, w: Write): Promise<void> {
  const res = await send(api.url, {
    method: w.method,
    path: w.path,
    query: w.query ?? '',
    ...(w.contentType ? { contentType: w.contentType } : {}),
    ...(w.body !== undefined ? { body: JSON.stringify(w.body) } : {}),
  });
  if (res.status >= 300) throw new Error(`setup ${w.method} ${w.path} failed: ${res.status} ${res.text}`);
}

async function act(api: ApiDouble, a: Action): Promise<void> {
  if ('write' in a) return write(api, a.write);
  if (a.hook === 'compact') api.compact();
  else if (a.hook === 'compactStorage') api.compact({ watchCache: false });
  else api.dropWatches({ abort: a.hook === 'abortWatches' });
}

async function setup(api: ApiDouble, plan: Plan): Promise<void> {
  for (const name of plan.namespaces) await write(api, { method: 'POST', path: '/api/v1/namespaces', contentType: 'application/json', body: { metadata: { name } } });
  if (plan.crd) {
    await write(api, { method: 'POST', path: CRD_PATH, contentType: 'application/json', body: recordedCrd() });
  }
  for (const w of plan.seed ?? []) await write(api, w);
}

/** The name the recording's server generated for this request, when it used generateName. */
function generatedName(x: Exchange): { prefix: string; name: string } | undefined {
  const req = x.request.body;
  const meta = isObj(req) && isObj(req.metadata) ? req.metadata : undefined;
  if (!meta || typeof meta.generateName !== 'string' || meta.name) return undefined;
  const res = isObj(x.response.body) ? x.response.body : {};
  const name = (isObj(res.metadata) && res.metadata.name) || (isObj(res.details) && res.details.name);
  return typeof name === 'string' ? { prefix: meta.generateName, name } : undefined;
}

const mediaType = (ct: string | undefined): string => (ct ?? '').split(';')[0]?.trim() ?? '';

function parseBody(text: string, contentType: string): unknown {
  if (mediaType(contentType) === 'application/yaml') return parseYaml(text);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function comparePlain(x: Exchange, res: RawResponse, ctx: CompareContext): string[] {
  const diffs: string[] = [];
  const r = x.response;
  if (res.status !== r.status) diffs.push(`status ${res.status} where ${r.status} was recorded`);
  if (r.contentType && mediaType(res.contentType) !== mediaType(r.contentType)) diffs.push(`Content-Type ${res.contentType} where ${r.contentType} was recorded`);
  if ((res.warning ?? '') !== (r.warning ?? '')) diffs.push(`Warning ${JSON.stringify(res.warning)} where ${JSON.stringify(r.warning)} was recorded`);
  const expected = typeof r.body === 'string' ? parseBody(r.body, r.contentType ?? '') : r.body;
  diffs.push(...compareBodies(expected, parseBody(res.text, res.contentType), ctx));
  return diffs;
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

async function replayWatch(api: ApiDouble, x: Exchange, step: Step, translated: Parameters<typeof watch>[1], ctx: CompareContext, shape: unknown): Promise<string[]> {
  const stream = await watch(api.url, translated);
  if (stream.refusal) return comparePlain(x, stream.refusal, ctx);
  for (const a of step.during ?? []) await act(api, a);
  const events = x.events ?? [];
  if (step.stop) {
    const wanted = events.filter((e) => !(isObj(e) && e.type === 'BOOKMARK')).length;
    await waitFor(() => stream.lines.filter((e) => !(isObj(e) && e.type === 'BOOKMARK')).length >= wanted, WATCH_GRACE_MS);
    await act(api, { hook: step.stop });
  }
  const timeout = Number(new URLSearchParams(translated.query).get('timeoutSeconds') ?? 0) * 1000;
  const how = await Promise.race([stream.ended, new Promise<'hung'>((r) => setTimeout(() => r('hung'), timeout + WATCH_GRACE_MS))]);
  if (how === 'hung') {
    stream.close();
    return ['the stream did not end'];
  }
  const rv = new URLSearchParams(x.request.query).get('resourceVersion') ?? '';
  const recorded = { events, how: x.streamEnd?.how ?? 'end', fromCurrentState: rv === '' || rv === '0' };
  const head = [
    ...(stream.status !== x.response.status ? [`status ${stream.status} where ${x.response.status} was recorded`] : []),
    ...(x.response.contentType && mediaType(stream.contentType) !== mediaType(x.response.contentType) ? [`Content-Type ${stream.contentType} where ${x.response.contentType} was recorded`] : []),
  ];
  return [...head, ...compareWatch(recorded, { lines: stream.lines, how }, ctx, shape)];
}

export async function replay(rec: Recording, plan: Plan): Promise<Outcome[]> {
  const suffixes: string[] = [];
  const api = await startApiDouble({ ...plan.options, generateNameSuffix: () => suffixes.shift() });
  try {
    await setup(api, plan);
    const keptUids = new Set(rec.exchanges.flatMap((x) => JSON.stringify(x.request.body ?? null).match(UUID) ?? []));
    const ctx: CompareContext = { rv: new RvMap(), keptUids };
    const shape = rec.exchanges.flatMap((x) => x.events ?? []).find((e) => isObj(e) && e.type === 'BOOKMARK');
    const translation: Translation = {
      rv: ctx.rv,
      get now() {
        return Number(api.resourceVersion);
      },
      async uidAt(path) {
        const res = await send(api.url, { method: 'GET', path, query: '' });
        const o = parseBody(res.text, res.contentType);
        return isObj(o) && isObj(o.metadata) && typeof o.metadata.uid === 'string' ? o.metadata.uid : undefined;
      },
    };
    const outcomes: Outcome[] = [];
    for (const [index, x] of rec.exchanges.entries()) {
      const step = plan.steps?.[index] ?? {};
      const request = describe(x);
      if (step.skip) {
        outcomes.push({ index, request, skipped: step.skip, diffs: [] });
        continue;
      }
      for (const a of step.before ?? []) await act(api, a);
      const gen = generatedName(x);
      if (gen) suffixes.push(gen.name.slice(gen.prefix.length));
      const translated = await toDoubleRequest(x.request, translation);
      const diffs = isWatch(x) ? await replayWatch(api, x, step, translated, ctx, shape) : comparePlain(x, await send(api.url, translated), ctx);
      suffixes.length = 0;
      outcomes.push({ index, request, diffs });
    }
    if (plan.kubectl && rec.kubectlOutput) {
      const runs = await replayKubectl(api, rec.kubectlOutput, ctx);
      outcomes.push(...runs.map((r, i) => ({ index: rec.exchanges.length + i, request: r.command, diffs: r.diffs, ...(r.skipped ? { skipped: r.skipped } : {}) })));
    }
    return outcomes;
  } finally {
    await api.close();
  }
}
