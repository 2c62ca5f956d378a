/**
 * Label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, `a>1`, `a<1`) and field selectors (`f=v`, `f==v`, `f!=v` on
 * the fields a resource supports), parsed as the apiserver parses them.
 */
import { errors, type Obj } from './errors.js';
import { isObj } from './schema.js';
import { metaOf, str } from './values.js';

export type Matcher = (o: Obj) => boolean;

const matchAll: Matcher = () => true;

type Req = { key: string; op: 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt'; values: string[] };

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x.length > 0);
}

function parseReq(raw: string): Req {
  const bad = (why: string): never => {
    throw errors.badRequest(`unable to parse requirement: ${why}: ${JSON.stringify(raw)}`);
  };
  let m = /^!\s*([^\s=!<>(),]+)$/.exec(raw);
  if (m) return { key: m[1] as string, op: '!', values: [] };
  m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw);
  if (m) {
    const values = (m[3] as string).split(',').map((v) => v.trim());
    return { key: m[1] as string, op: m[2] as 'in' | 'notin', values: values.filter((v) => v.length > 0) };
  }
  m = /^([^\s=!<>(),]+)\s*(==|=|!=|>|<)\s*([^\s=!<>(),]*)$/.exec(raw);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    if (op === '!=') return { key, op: 'notin', values: [value] };
    if (op === '>' || op === '<') {
      if (!/^-?\d+$/.test(value)) bad(`for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, op: op === '>' ? 'gt' : 'lt', values: [value] };
    }
    return { key, op: 'in', values: [value] };
  }
  m = /^([^\s=!<>(),]+)$/.exec(raw);
  if (m) return { key: m[1] as string, op: 'exists', values: [] };
  return bad('invalid syntax');
}

export function labelMatcher(selector: string | null | undefined): Matcher {
  if (!selector || !selector.trim()) return matchAll;
  const reqs = splitTop(selector).map(parseReq);
  return (o) => {
    const labels = isObj(metaOf(o).labels) ? (metaOf(o).labels as Obj) : {};
    return reqs.every((r) => {
      const v = str(labels[r.key]);
      switch (r.op) {
        case 'exists':
          return v !== undefined;
        case '!':
          return v === undefined;
        case 'in':
          return v !== undefined && r.values.includes(v);
        case 'notin':
          return v === undefined || !r.values.includes(v);
        case 'gt':
          return v !== undefined && /^-?\d+$/.test(v) && Number(v) > Number(r.values[0]);
        case 'lt':
          return v !== undefined && /^-?\d+$/.test(v) && Number(v) < Number(r.values[0]);
      }
      return false;
    });
  };
}

export type FieldGetters = Record<string, (o: Obj) => string | undefined>;

const unescape = (v: string): string => v.replace(/\\(.)/g, '$1');

export function fieldMatcher(selector: string | null | undefined, extra: FieldGetters, namespaced: boolean): Matcher {
  if (!selector || !selector.trim()) return matchAll;
  const getters: FieldGetters = {
    'metadata.name': (o) => str(metaOf(o).name) ?? '',
    ...(namespaced ? { 'metadata.namespace': (o: Obj) => str(metaOf(o).namespace) ?? '' } : {}),
    ...extra,
  };
  const terms = selector
    .split(/(?<!\\),/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(t);
      if (!m) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${t}'`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      const get = getters[field];
      if (!get) throw errors.badRequest(`field label not supported: ${field}`);
      return { get, neg: op === '!=', value: unescape(value) };
    });
  return (o) => terms.every((t) => (t.get(o) === t.value) !== t.neg);
}
