/**
 * A recorded watch stream against the double's. Events other than
 * BOOKMARK must match in order (the initial state of a watch without a
 * resourceVersion comes in the watch cache's order, which is unspecified,
 * so it is compared sorted by name). Bookmarks depend on timers (README
 * point 5), so only their shape and version are checked: each must look
 * like the recorded ones and be no older than the events before it; where
 * the recording has one, the double must send one too, and the last ones
 * must carry the same version. How the stream ended must match.
 */
import { isObj } from '../schema.js';
import { compareBodies, type CompareContext } from './compare.js';
import { RvMap } from './rv-map.js';

const isBookmark = (e: unknown): boolean => isObj(e) && e.type === 'BOOKMARK';

const nameOf = (e: unknown): string => {
  const o = isObj(e) && isObj(e.object) ? e.object : {};
  const m = isObj(o.metadata) ? o.metadata : {};
  return `${String(m.namespace)}/${String(m.name)}`;
};

const rvOf = (e: unknown): number => {
  const o = isObj(e) && isObj(e.object) ? e.object : {};
  const m = isObj(o.metadata) ? o.metadata : {};
  return Number(m.resourceVersion);
};

/** The leading ADDED events (a watch's initial state), sorted by name. */
function initialSorted(events: unknown[]): unknown[] {
  let n = 0;
  while (n < events.length && isObj(events[n]) && (events[n] as { type?: unknown }).type === 'ADDED') n++;
  const head = events.slice(0, n).sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
  return [...head, ...events.slice(n)];
}

export interface WatchResult {
  lines: unknown[];
  how: 'end' | 'aborted';
}

export function compareWatch(
  recorded: { events: unknown[]; how: string; fromCurrentState: boolean },
  actual: WatchResult,
  ctx: CompareContext,
  bookmarkShape: unknown,
): string[] {
  const diffs: string[] = [];
  if (actual.how !== recorded.how) diffs.push(`stream ended "${actual.how}" where "${recorded.how}" was recorded`);
  let expected = recorded.events.filter((e) => !isBookmark(e));
  let got = actual.lines.filter((e) => !isBookmark(e));
  if (recorded.fromCurrentState) [expected, got] = [initialSorted(expected), initialSorted(got)];
  if (got.length !== expected.length) diffs.push(`${got.length} events where ${expected.length} were recorded: ${got.map((e) => `${String(isObj(e) && e.type)} ${nameOf(e)}`).join(', ')}`);
  expected.forEach((e, i) => {
    if (i < got.length) diffs.push(...compareBodies(e, got[i], ctx).map((d) => `event ${i}: ${d}`));
  });

  const recordedMarks = recorded.events.filter(isBookmark);
  const marks = actual.lines.filter(isBookmark);
  let newest = 0;
  for (const line of actual.lines) {
    if (!isBookmark(line)) newest = Math.max(newest, rvOf(line));
    else if (rvOf(line) < newest) diffs.push(`a BOOKMARK at ${rvOf(line)} after an event at ${newest}`);
  }
  for (const m of marks) diffs.push(...compareBodies(bookmarkShape, m, { ...ctx, rv: new RvMap() }).map((d) => `BOOKMARK shape: ${d}`));
  if (recordedMarks.length > 0) {
    const last = marks[marks.length - 1];
    if (last === undefined) diffs.push('no BOOKMARK where the recording has one');
    else diffs.push(...compareBodies(recordedMarks[recordedMarks.length - 1], last, ctx).map((d) => `last BOOKMARK: ${d}`));
  }
  return diffs;
}
