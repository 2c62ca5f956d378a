/**
 * Go's time.Parse for the two layouts Kubernetes timestamps use
 * (metav1.Time: RFC 3339; metav1.MicroTime: RFC 3339 with exactly six
 * fractional digits), with Go's error messages: the parser walks the
 * layout chunk by chunk and names the rest of the value where a chunk
 * failed ("cannot parse ".123Z" as ".000000"").
 */

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Chunk = { literal: string } | { std: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'frac' | 'zone'; text: string };

const CHUNKS: Record<string, Chunk[]> = {
  [RFC3339]: [],
  [RFC3339_MICRO]: [],
};
for (const layout of [RFC3339, RFC3339_MICRO]) {
  const stds: [string, Chunk][] = [
    ['2006', { std: 'year', text: '2006' }],
    ['01', { std: 'month', text: '01' }],
    ['02', { std: 'day', text: '02' }],
    ['15', { std: 'hour', text: '15' }],
    ['04', { std: 'minute', text: '04' }],
    ['05', { std: 'second', text: '05' }],
    ['.000000', { std: 'frac', text: '.000000' }],
    ['Z07:00', { std: 'zone', text: 'Z07:00' }],
  ];
  let rest = layout;
  while (rest) {
    const hit = stds.find(([t]) => rest.startsWith(t));
    if (hit) {
      (CHUNKS[layout] as Chunk[]).push(hit[1]);
      rest = rest.slice(hit[0].length);
    } else {
      (CHUNKS[layout] as Chunk[]).push({ literal: rest[0] as string });
      rest = rest.slice(1);
    }
  }
}

const isDigit = (s: string, i: number): boolean => i < s.length && s[i] !== undefined && (s[i] as string) >= '0' && (s[i] as string) <= '9';

/** Go's getnum: one or two digits (two required when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

export type GoTime = { ok: true; iso: string } | { ok: false; message: string };

const quote = (s: string): string => JSON.stringify(s);

/** Parses like Go; on success the instant in UTC, with `fractionDigits` digits (0: whole seconds). */
export function parseGoTime(value: string, layout: typeof RFC3339 | typeof RFC3339_MICRO, fractionDigits: number): GoTime {
  const fail = (valueElem: string, layoutElem: string): GoTime => ({
    ok: false,
    message: `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`,
  });
  const chunks = CHUNKS[layout] as Chunk[];
  const t = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, frac: '', offsetMinutes: 0 };
  let v = value;
  for (const [i, c] of chunks.entries()) {
    if ('literal' in c) {
      if (v[0] !== c.literal) return fail(v, c.literal);
      v = v.slice(1);
      continue;
    }
    const hold = v;
    let r: [number, string] | undefined;
    switch (c.std) {
      case 'year':
        if (v.length < 4 || !/^[+-]?\d+$/.test(v.slice(0, 4))) return fail(hold, c.text);
        t.year = Number(v.slice(0, 4));
        v = v.slice(4);
        break;
      case 'frac':
        if (v.length < 7 || (v[0] !== '.' && v[0] !== ',') || !/^\d{6}$/.test(v.slice(1, 7))) return fail(hold, c.text);
        t.frac = v.slice(1, 7);
        v = v.slice(7);
        break;
      case 'zone': {
        if (v[0] === 'Z') {
          v = v.slice(1);
          break;
        }
        if (v.length < 6 || v[3] !== ':' || (v[0] !== '+' && v[0] !== '-')) return fail(hold, c.text);
        const [hh, mm] = [getnum(v.slice(1, 3), true), getnum(v.slice(4, 6), true)];
        if (!hh || !mm) return fail(hold, c.text);
        t.offsetMinutes = (v[0] === '-' ? -1 : 1) * (hh[0] * 60 + mm[0]);
        v = v.slice(6);
        break;
      }
      default: {
        r = getnum(v, c.std !== 'hour');
        if (!r) return fail(hold, c.text);
        t[c.std] = r[0];
        v = r[1];
        // A fraction the layout does not ask for is still accepted after the seconds.
        const next = chunks[i + 1];
        if (c.std === 'second' && !(next && 'std' in next && next.std === 'frac') && /^[.,]\d/.test(v)) {
          const digits = /^[.,](\d+)/.exec(v)?.[1] ?? '';
          t.frac = digits;
          v = v.slice(1 + digits.length);
        }
      }
    }
  }
  if (v) return { ok: false, message: `parsing time ${quote(value)}: extra text: ${quote(v)}` };
  const ranges: [keyof typeof t, number, number, string][] = [
    ['month', 1, 12, 'month'],
    ['day', 1, 31, 'day'],
    ['hour', 0, 23, 'hour'],
    ['minute', 0, 59, 'minute'],
    ['second', 0, 59, 'second'],
  ];
  for (const [k, lo, hi, name] of ranges) {
    const n = t[k] as number;
    if (n < lo || n > hi) return { ok: false, message: `parsing time ${quote(value)}: ${name} out of range` };
  }
  const ms = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - t.offsetMinutes * 60_000;
  const whole = new Date(ms).toISOString().slice(0, 19);
  const frac = fractionDigits > 0 ? `.${t.frac.padEnd(fractionDigits, '0').slice(0, fractionDigits)}` : '';
  return { ok: true, iso: `${whole}${frac}Z` };
}
